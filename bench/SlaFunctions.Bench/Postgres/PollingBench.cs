using System.Diagnostics;
using System.Globalization;
using NodaTime;
using SlaFunctions.Postgres.Polling;

namespace SlaFunctions.Bench.Postgres;

/// <summary>
/// <c>scripts/bench polling</c>: one engine draining the same number of due rows out of 10k, 100k and 1M
/// tracked tickets. The sizes take turns round by round, so that a change of load on the machine weighs on
/// all of them alike; the first round warms up and is not counted. The last line is the figure.
/// </summary>
internal static class PollingBench
{
    private const int DueRows = 10_000;
    private static readonly int[] Sizes = [10_000, 100_000, 1_000_000];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--profile"))
        {
            return await PollingProfile.RunAsync();
        }

        var measuredRounds = args.Contains("--quick") ? 2 : 5;
        Console.WriteLine(
            $"polling: one engine, batch size {new PollingOptions().BatchSize}, {DueRows:N0} due rows per round, "
                + $"{measuredRounds} measured rounds after 1 warm-up; load average {Report.LoadAverage()}"
        );

        var sizes = new List<Size>();
        foreach (var tracked in Sizes)
        {
            sizes.Add(await Size.SeedAsync(tracked, measuredRounds + 1));
        }

        var rounds = sizes[0].Rounds;
        for (var r = 0; r < rounds.Count; r++)
        {
            // Alternate the order so that neither end of the run favours one size.
            foreach (var size in r % 2 == 0 ? sizes : Enumerable.Reverse(sizes))
            {
                await size.DrainAsync(rounds[r], measured: r > 0);
            }
        }

        foreach (var size in sizes)
        {
            var stored = await size.Database.ScalarAsync("select count(*) from notifications");
            var queued = await size.Database.ScalarAsync("select count(*) from outbox");
            if (stored != size.FiredInAllRounds || queued != stored)
            {
                throw new InvalidOperationException(
                    $"{size.Tracked} tickets: {stored} notifications and {queued} outbox rows stored, {size.FiredInAllRounds} fired."
                );
            }
        }

        Console.WriteLine("every notification the engine reported is stored once, with its outbox row");
        Console.WriteLine();
        Console.WriteLine("   tracked   wake-ups   fired  wake-ups/s  batches  ms/batch mean    p50    p99");
        foreach (var size in sizes)
        {
            var b = size.Batches;
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{size.Tracked, 10:N0} {size.Claimed, 10:N0} {size.Fired, 7:N0} {size.Throughput, 11:N0} {b.Count, 8} {b.Average(), 14:F1} {Report.Percentile(b, 0.5), 6:F1} {Report.Percentile(b, 0.99), 6:F1}"
                )
            );
        }

        var small = sizes[0];
        var large = sizes[^1];
        var minimum = sizes.MinBy(s => s.Throughput)!;
        var cost = large.Batches.Average() / small.Batches.Average();
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"N is the throughput at {large.Tracked:N0} tracked tickets (the minimum across sizes is {minimum.Throughput:N0}/s at {minimum.Tracked:N0}); "
                    + $"R is the mean time per batch at {large.Tracked:N0} over that at {small.Tracked:N0} (p50: {Report.Percentile(large.Batches, 0.5) / Report.Percentile(small.Batches, 0.5):F2}); "
                    + $"load average {Report.LoadAverage()}"
            )
        );
        foreach (var size in sizes)
        {
            await size.Database.DisposeAsync();
        }

        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"polling: {large.Throughput:F0} wakeups/s; cost 1M/10k = {cost:F2}"
            )
        );
        return 0;
    }

    /// <summary>One database with its tracked tickets, and what its engine did in the measured rounds.</summary>
    private sealed class Size(
        int tracked,
        BenchDatabase database,
        BenchClock clock,
        List<SlaRow> due,
        List<Round> rounds
    )
    {
        private readonly PollingEngine engine = database.Engine();

        public int Tracked { get; } = tracked;

        public BenchDatabase Database { get; } = database;

        public List<Round> Rounds { get; } = rounds;

        public List<double> Batches { get; } = [];

        public long Claimed { get; private set; }

        public long Fired { get; private set; }

        /// <summary>Notifications fired in every round, the warm-up included.</summary>
        public long FiredInAllRounds { get; private set; }

        public double Seconds { get; private set; }

        public double Throughput => Claimed / Seconds;

        public static async Task<Size> SeedAsync(int tracked, int roundCount)
        {
            var clock = new BenchClock(Instant.FromUtc(2026, 6, 10, 13, 0));
            var database = await BenchDatabase.CreateAsync(
                $"bench_polling_{tracked}",
                clock,
                PollingScenario.Calendar,
                PollingScenario.Policy
            );
            var watch = Stopwatch.StartNew();
            var (due, rounds) = await PollingScenario.SeedAsync(database, tracked, DueRows, roundCount);
            var copied = watch.Elapsed.TotalSeconds;
            await database.ExecuteAsync("vacuum analyze");
            await database.ExecuteAsync("checkpoint");
            var size = await database.ScalarAsync("select pg_total_relation_size('ticket_slas')");
            var index = await database.ScalarAsync("select pg_relation_size('ticket_slas_due')");
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"seeded {tracked, 9:N0} tickets by COPY in {copied:F1} s, vacuum analyze and checkpoint in {watch.Elapsed.TotalSeconds - copied:F1} s; "
                        + $"table {size / 1e6:F0} MB, due index {index / 1e6:F1} MB"
                )
            );
            return new Size(tracked, database, clock, due, rounds);
        }

        public async Task DrainAsync(Round round, bool measured)
        {
            clock.Now = round.At;
            var dueNow = await Database.ScalarAsync(
                "select count(*) from ticket_slas where next_wake_at <= $1",
                round.At
            );
            var expected = Enumerable.Range(0, DueRows).Sum(j => (long)round.Fired[j % due.Count]);
            if (dueNow != DueRows)
            {
                throw new InvalidOperationException(
                    $"{dueNow} rows are due at {round.At} in {Tracked} tickets, not {DueRows}."
                );
            }

            var batches = new System.Collections.Concurrent.ConcurrentBag<double>();
            var watch = Stopwatch.StartNew();
            var drained = await engine.DrainAsync(batch => batches.Add(batch.Elapsed.TotalMilliseconds));
            var seconds = watch.Elapsed.TotalSeconds;
            long claimed = drained.Claimed,
                fired = drained.Fired;
            if (claimed != DueRows || fired != expected)
            {
                throw new InvalidOperationException(
                    $"The engine claimed {claimed} rows and fired {fired} notifications at {round.At}; expected {DueRows} and {expected}."
                );
            }

            FiredInAllRounds += fired;
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{(measured ? "round" : "warm-up")} at {round.At}: {Tracked, 9:N0} tracked, {claimed:N0} wake-ups, {fired:N0} fired in {seconds:F2} s ({claimed / seconds:N0}/s)"
                )
            );
            if (measured)
            {
                Claimed += claimed;
                Fired += fired;
                Seconds += seconds;
                Batches.AddRange(batches);
            }
        }
    }
}

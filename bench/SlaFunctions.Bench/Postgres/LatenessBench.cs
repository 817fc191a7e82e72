using System.Diagnostics;
using System.Globalization;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Polling;

namespace SlaFunctions.Bench.Postgres;

/// <summary>
/// <c>scripts/bench lateness</c>: a running engine (<see cref="PollingEngine.RunAsync"/> on the real clock,
/// with the self-host's default options) and 1,000 thresholds a minute falling due, evenly spread. The
/// tickets are started through the service before the first falls due, backdated so that each one's 50%
/// response threshold falls due at its slot, as for a ticket created 20 minutes earlier; nothing else
/// happens meanwhile, so the engine is on its own timing (no command sends NOTIFY). Each notification's
/// lateness is <c>fired_at - due_at</c> as stored. The last line is the figure.
/// </summary>
internal static class LatenessBench
{
    private const int PerMinute = 1_000;

    private const string Calendar = """{ "timeZone": "UTC", "is24x7": true }""";

    /// <summary>
    /// The 50% response threshold falls due 20 minutes after creation; the next one 10 minutes later, after the run.
    /// </summary>
    private const string Policy =
        """{ "calendar": "main", "targets": { "P1": { "responseMinutes": 40, "resolutionMinutes": 480 } } }""";

    /// <summary>Time to start every ticket before the first threshold falls due.</summary>
    private static readonly Duration Lead = Duration.FromSeconds(60);
    private static readonly Duration ToThreshold = Duration.FromMinutes(20);

    public static async Task<int> RunAsync(string[] args)
    {
        var window = args.Contains("--quick") ? Duration.FromMinutes(1) : Duration.FromMinutes(5);
        var count = (int)(PerMinute * window.TotalMinutes);
        var interval = window / count;
        var clock = SystemClock.Instance;
        var options = new PollingOptions();
        Console.WriteLine(
            $"lateness: {count:N0} thresholds due over {window.TotalMinutes} min ({PerMinute:N0}/min, one every {interval.TotalMilliseconds:F0} ms); "
                + $"engine batch size {options.BatchSize}, max sleep {options.MaxSleep.TotalSeconds} s; load average {Report.LoadAverage()}"
        );

        await using var database = await BenchDatabase.CreateAsync("bench_lateness", clock, Calendar, Policy);
        var service = database.Service();
        using var stop = new CancellationTokenSource();
        var engine = Task.Run(() => database.Engine().RunAsync(stop.Token));

        var first = Instant.FromUnixTimeSeconds(clock.GetCurrentInstant().ToUnixTimeSeconds()) + Lead; // whole seconds: stored to the microsecond
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, cancellationToken) =>
                await service.StartAsync(
                    new TicketKey(BenchDatabase.TenantId, Ticket(i)),
                    new StartRequest("P1", BenchDatabase.PolicyId, first + interval * i - ToThreshold),
                    cancellationToken
                )
        );
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"started {count:N0} tickets through the service in {watch.Elapsed.TotalSeconds:F1} s"
            )
        );
        if (clock.GetCurrentInstant() >= first)
        {
            Console.Error.WriteLine(
                $"lateness: starting the tickets took longer than the {Lead.TotalSeconds} s before the first threshold"
            );
            return 1;
        }

        // Until every threshold has fired, or one is overdue by twice the engine's longest sleep: it has stalled.
        var last = first + interval * (count - 1);
        var stall = options.MaxSleep * 2;
        long overdue = 0;
        while (
            await database.ScalarAsync("select count(*) from notifications") < count
            && clock.GetCurrentInstant() < last + stall
        )
        {
            overdue = await database.ScalarAsync(
                "select count(*) from ticket_slas where next_wake_at < $1",
                clock.GetCurrentInstant() - stall
            );
            if (overdue > 0)
            {
                break;
            }

            await Task.Delay(500);
        }

        await stop.CancelAsync();
        try
        {
            await engine;
        }
        catch (OperationCanceledException) { }

        var lateness = await LatenessAsync(database, first, interval);
        if (lateness.Count != count)
        {
            Console.Error.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"lateness: only {lateness.Count:N0} of {count:N0} thresholds fired; at {clock.GetCurrentInstant()}, {overdue:N0} were overdue "
                        + $"by more than {stall.TotalSeconds} s, twice the engine's longest sleep: it stalled"
                )
            );
            return 1;
        }

        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"all {count:N0} thresholds fired once with their due instant; min lateness {lateness.Min():F1} ms; load average {Report.LoadAverage()}"
            )
        );
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"lateness: p50 {Report.Percentile(lateness, 0.5):F0} ms, p99 {Report.Percentile(lateness, 0.99):F0} ms, max {lateness.Max():F0} ms"
            )
        );
        return 0;
    }

    private static string Ticket(int i) => $"L-{i:D5}";

    /// <summary>
    /// fired_at - due_at of every notification that is the 50% response threshold of its ticket's slot.
    /// </summary>
    private static async Task<List<double>> LatenessAsync(BenchDatabase database, Instant first, Duration interval)
    {
        await using var command = database.DataSource.CreateCommand(
            "select ticket_id, phase, kind, percent, due_at, fired_at from notifications order by ticket_id"
        );
        await using var reader = await command.ExecuteReaderAsync();
        var lateness = new List<double>();
        while (await reader.ReadAsync())
        {
            var i = int.Parse(reader.GetString(0)[2..], CultureInfo.InvariantCulture);
            var dueAt = reader.GetFieldValue<Instant>(4);
            if (
                reader.GetString(1) == "response"
                && reader.GetString(2) == "warning"
                && reader.GetDecimal(3) == 50m
                && dueAt == first + interval * i
            )
            {
                lateness.Add((reader.GetFieldValue<Instant>(5) - dueAt).TotalMilliseconds);
            }
        }

        return lateness;
    }
}

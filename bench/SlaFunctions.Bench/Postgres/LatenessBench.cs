using System.Diagnostics;
using System.Globalization;
using NodaTime;
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

    /// <summary>Time to start every ticket before the first threshold falls due.</summary>
    private static readonly Duration Lead = Duration.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        var window = args.Contains("--quick") ? Duration.FromMinutes(1) : Duration.FromMinutes(5);
        var clock = SystemClock.Instance;
        var options = new PollingOptions();
        await using var database = await BenchDatabase.CreateAsync(
            "bench_lateness",
            clock,
            SteadyThresholds.Calendar,
            SteadyThresholds.Policy
        );
        using var stop = new CancellationTokenSource();
        var engine = Task.Run(() => database.Engine().RunAsync(stop.Token));
        var thresholds = SteadyThresholds.Plan(clock, BenchDatabase.TenantId, Lead, window, PerMinute);
        var count = thresholds.Count;
        Console.WriteLine(
            $"lateness: {count:N0} thresholds due over {window.TotalMinutes} min ({PerMinute:N0}/min, one every {thresholds.Interval.TotalMilliseconds:F0} ms); "
                + $"engine batch size {options.BatchSize}, max sleep {options.MaxSleep.TotalSeconds} s; load average {Report.LoadAverage()}"
        );

        var watch = Stopwatch.StartNew();
        await thresholds.StartAsync(database.Service());
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"started {count:N0} tickets through the service in {watch.Elapsed.TotalSeconds:F1} s"
            )
        );
        if (clock.GetCurrentInstant() >= thresholds.First)
        {
            Console.Error.WriteLine(
                $"lateness: starting the tickets took longer than the {Lead.TotalSeconds} s before the first threshold"
            );
            return 1;
        }

        var stall = options.MaxSleep * 2;
        var overdue = await thresholds.WaitFiredAsync(database, thresholds.Last, stall);
        await stop.CancelAsync();
        try
        {
            await engine;
        }
        catch (OperationCanceledException) { }

        var lateness = (await thresholds.LatenessAsync(database)).Select(l => l.Lateness).ToList();
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
}

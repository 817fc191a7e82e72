using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using SlaFunctions.Bench.Postgres;
using SlaFunctions.Core.Service;
using SlaFunctions.Durable;
using SlaFunctions.Durable.Instances;
using SlaFunctions.FunctionApp.Hosting;
using SlaFunctions.FunctionApp.Notifications;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Engine;

namespace SlaFunctions.Bench.Durable;

/// <summary>
/// <c>scripts/bench durable</c>: the same tickets on two engines in the same minutes. One database is driven by the
/// app's durable backend on the real Durable Task engine (<see cref="SlaEngine.AzureStorageAsync"/>: the
/// AzureStorageOrchestrationService on Azurite with host.json's polling settings, under the test host's gRPC
/// sidecar, running the app's own orchestrations and activities); the other by the self-host's polling engine and
/// outbox dispatcher. Both publish to a recorded topic (<see cref="PublishedMessages"/>, through the app's
/// <see cref="ServiceBusSink"/> on the polling side), so a notification's lateness is the same on both: the instant
/// it is handed to the topic minus its <c>due_at</c>. Each ticket's four thresholds fall due 8 to 10 minutes after
/// its backdated creation, the first ones spread evenly over one minute after the lead. Then each instance's
/// history, and the storage requests the provider sent, counted in its clients' pipelines against an idle baseline.
/// </summary>
internal static class DurableBench
{
    private const string Calendar = """{ "timeZone": "UTC", "is24x7": true }""";

    /// <summary>80/90/95/100% of a 10-minute response target: 8, 9, 9.5 and 10 minutes after creation.</summary>
    private const string Policy = """
        { "calendar": "main", "targets": { "P1": { "responseMinutes": 10, "resolutionMinutes": 480 } },
          "thresholds": [80, 90, 95, 100] }
        """;

    private static readonly Duration Target = Duration.FromMinutes(10);
    private static readonly decimal[] Percents = [80m, 90m, 95m, 100m];

    /// <summary>The first thresholds of all tickets fall due over this span, evenly.</summary>
    private static readonly Duration Spread = Duration.FromMinutes(1);

    /// <summary>
    /// Idle, the provider's queue polling backs off from 50 ms to maxQueuePollingInterval over some seconds after the
    /// engine starts: the baseline is measured after that.
    /// </summary>
    private static readonly Duration IdleSettle = Duration.FromSeconds(10);
    private static readonly Duration IdleBaseline = Duration.FromSeconds(10);
    private static readonly Duration ProgressEvery = Duration.FromSeconds(15);

    /// <summary>After the last due instant, an engine that has published nothing for this long has stalled.</summary>
    private static readonly Duration Stall = Duration.FromSeconds(90);

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var count = quick ? 200 : 1_000;
        var lead = Duration.FromSeconds(quick ? 45 : 120);
        var storage =
            Environment.GetEnvironmentVariable("SLA_BENCH_AZURITE")
            ?? throw new InvalidOperationException(
                "SLA_BENCH_AZURITE is not set: run the benchmark through scripts/bench, which starts Azurite."
            );
        var clock = SystemClock.Instance;
        var host = HostJsonPolling.Read();
        var dispatch = new DispatchOptions();
        PrintSettings(count, lead, host, new PollingOptions(), dispatch);

        await using var durableDb = await BenchDatabase.CreateAsync("bench_durable", clock, Calendar, Policy);
        await using var pollingDb = await BenchDatabase.CreateAsync(
            "bench_polling",
            clock,
            Calendar,
            Policy,
            new SlaStoreOptions { Sinks = [FunctionAppSettings.ServiceBusSink] }
        );

        var durableTopic = new PublishedMessages();
        var tasks = new AppTasks(durableDb.ConnectionString, durableTopic);
        var requests = new StorageRequests();
        var warnings = new WarningTally();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(warnings).SetMinimumLevel(LogLevel.Warning));
        await using var engine = await SlaEngine.AzureStorageAsync(
            tasks,
            storage,
            "benchdurable",
            EngineLog.Loggers ?? loggers,
            requests
        );
        var durableService = tasks.Services.GetRequiredService<DurableBackend>().SlaService(engine.Client);

        var pollingTopic = new PublishedMessages();
        using var stop = new CancellationTokenSource();
        var pollingRun = Task.Run(() => pollingDb.Engine().RunAsync(stop.Token));
        var dispatcher = new OutboxDispatcher(
            pollingDb.DataSource,
            [new ServiceBusSink(pollingTopic)],
            clock,
            dispatch,
            new StderrLogger<OutboxDispatcher>()
        );
        var dispatching = Task.Run(() => dispatcher.RunAsync(stop.Token));

        var idleRate = await IdleRateAsync(requests);

        var first = Instant.FromUnixTimeSeconds(clock.GetCurrentInstant().ToUnixTimeSeconds()) + lead; // whole seconds
        var interval = Spread / count;
        var expected = Expected(count, first, interval);
        var run = new Progress(count, expected.Count, durableTopic, pollingTopic);
        var runFrom = (Requests: requests.Counts, Watch: Stopwatch.StartNew());
        using var reporting = new CancellationTokenSource();
        var progress = run.ReportAsync(ProgressEvery, reporting.Token);
        var starts = await Task.WhenAll(
            StartAllAsync(durableService, count, first, interval, run.DurableStarted),
            StartAllAsync(pollingDb.Service(), count, first, interval, run.PollingStarted)
        );
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"started {count:N0} tickets on each engine at once: durable backend in {starts[0].TotalSeconds:F1} s, "
                    + $"polling in {starts[1].TotalSeconds:F1} s"
            )
        );
        if (clock.GetCurrentInstant() >= first)
        {
            await reporting.CancelAsync();
            await stop.CancelAsync();
            Console.Error.WriteLine(
                $"durable: starting the tickets took longer than the {lead.TotalSeconds} s before the first threshold: the lead is too short"
            );
            return 1;
        }

        // The requests of the run end with the last durable publish: what follows is the idle polling again.
        (TimeSpan Span, StorageRequestCounts Requests)? durableDone = null;
        var last = expected.Values.Max();
        while (true)
        {
            var now = clock.GetCurrentInstant();
            if (durableDone is null && run.DurablePublished >= expected.Count)
            {
                durableDone = (runFrom.Watch.Elapsed, requests.Counts - runFrom.Requests);
            }

            if (durableDone is not null && run.PollingPublished >= expected.Count)
            {
                break;
            }

            if (now > last + Stall && run.QuietFor > Stall)
            {
                Console.Error.WriteLine(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"durable: nothing published for {Stall.TotalSeconds} s, {Stall.TotalSeconds} s after the last due instant: stalled"
                    )
                );
                break;
            }

            await Task.Delay(250);
        }

        var (runSpan, runRequests) = durableDone ?? (runFrom.Watch.Elapsed, requests.Counts - runFrom.Requests);

        // A late repeat of a publish would show here; the run does not wait for one longer than a queue poll.
        await Task.Delay(host.MaxQueuePollingInterval * 2);
        await reporting.CancelAsync();
        await Quietly(progress);
        await stop.CancelAsync();
        await Quietly(pollingRun);
        await Quietly(dispatching);

        var durable = await Publications.CheckAsync(
            "durable (Azure Storage on Azurite)",
            durableDb,
            expected,
            durableTopic
        );
        var polling = await Publications.CheckAsync("polling (PostgreSQL)", pollingDb, expected, pollingTopic);
        var history = await HistorySizes.ReadAsync(
            engine.AzureStorage!,
            [.. Enumerable.Range(0, count).Select(InstanceId)]
        );
        Console.WriteLine($"load average {Report.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine(
            $"{"lateness (publish - dueAt)", -34} {"notifications", 13} {"min ms", 9} {"p50 ms", 9} {"p99 ms", 9} {"max ms", 9}"
        );
        Console.WriteLine(durable.Row());
        Console.WriteLine(polling.Row());
        Console.WriteLine();
        PrintHistory(history);
        var net = runRequests.Total - (idleRate * runSpan.TotalSeconds);
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"storage requests from the first start to the last durable publish ({runSpan.TotalSeconds:F0} s): "
                    + $"{Describe(runRequests)}; {(double)runRequests.Total / count:F1} per ticket, "
                    + $"net of the idle {idleRate:F1}/s {net / count:F1} per ticket"
            )
        );
        foreach (var line in warnings.Summary())
        {
            Console.WriteLine($"engine warnings: {line}");
        }

        var faults = durable
            .Faults.Select(f => $"durable: {f}")
            .Concat(polling.Faults.Select(f => $"polling: {f}"))
            .ToList();
        if (
            await durableDb.ScalarAsync("select count(*) from ticket_slas where backend <> 'durable'")
            is var moved
                and > 0
        )
        {
            faults.Add(
                $"durable: {moved:N0} tickets were moved to the polling engine (their orchestration could not be scheduled)"
            );
        }

        if (history.Missing > 0)
        {
            faults.Add($"durable: {history.Missing:N0} instances have no state");
        }

        if (faults.Count > 0 || durable.Lateness.Count == 0 || polling.Lateness.Count == 0)
        {
            faults.ForEach(Console.Error.WriteLine);
            return 1;
        }

        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"every one of the {expected.Count:N0} notifications on each engine was stored and published exactly once"
            )
        );
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"durable: p99 {durable.P(0.99):F0} ms (polling p99 {polling.P(0.99):F0} ms), history max {history.MaxEvents} events"
            )
        );
        return 0;
    }

    private static void PrintSettings(
        int count,
        Duration lead,
        HostJsonPolling host,
        PollingOptions polling,
        DispatchOptions dispatch
    )
    {
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"durable: {count:N0} tickets on each engine, {Percents.Length} thresholds each "
                    + $"({string.Join("/", Percents)}% of {Target.TotalMinutes:F0} min), the first ones over {Spread.TotalSeconds:F0} s "
                    + $"after a {lead.TotalSeconds:F0} s lead; load average {Report.LoadAverage()}"
            )
        );
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"durable engine: host.json partitionCount {host.PartitionCount}, "
                    + $"maxQueuePollingInterval {host.MaxQueuePollingInterval.TotalSeconds:F0} s, "
                    + $"maxConcurrentOrchestratorFunctions {host.MaxConcurrentOrchestratorFunctions}, "
                    + $"maxConcurrentActivityFunctions {host.MaxConcurrentActivityFunctions}; "
                    + $"polling engine: batch size {polling.BatchSize}, max sleep {polling.MaxSleep.TotalSeconds:F0} s, "
                    + $"dispatcher idle sleep {dispatch.IdleSleep.TotalSeconds:F0} s"
            )
        );
    }

    /// <summary>Storage requests a second while nothing is scheduled: the provider's queue polling.</summary>
    private static async Task<double> IdleRateAsync(StorageRequests requests)
    {
        await Task.Delay(IdleSettle.ToTimeSpan());
        var from = requests.Counts;
        var watch = Stopwatch.StartNew();
        await Task.Delay(IdleBaseline.ToTimeSpan());
        var idle = requests.Counts - from;
        var rate = idle.Total / watch.Elapsed.TotalSeconds;
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"idle, nothing scheduled: {Describe(idle)} storage requests in {watch.Elapsed.TotalSeconds:F1} s ({rate:F1}/s)"
            )
        );
        return rate;
    }

    /// <summary>Every notification of the run, by ticket and percent, with its due instant.</summary>
    private static Dictionary<(string Ticket, decimal Percent), Instant> Expected(
        int count,
        Instant first,
        Duration interval
    ) =>
        Enumerable
            .Range(0, count)
            .SelectMany(i => Percents.Select(p => (Key: (Ticket(i), p), DueAt: DueAt(first, interval, i, p))))
            .ToDictionary(e => e.Key, e => e.DueAt);

    private static void PrintHistory(HistorySizes history)
    {
        var executions = history.Executions;
        if (executions.Count == 0)
        {
            return;
        }

        var early = executions.Where(e => e.EarlyTimers > 0).ToList();
        // An execution continues as new only when a signal arrives after its 20th round or a phase change: none is
        // sent.
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"history of each instance's current execution (one each: no signal is sent, so none continues as new): "
                    + $"p50 {Report.Percentile(executions.Select(e => (double)e.Events), 0.5):F0} events, max {history.MaxEvents}; "
                    + $"rounds {executions.Min(e => e.Rounds)} to {executions.Max(e => e.Rounds)}"
            )
        );
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"timers that fired before their instant (each armed again a second after it, from workflow version 2): "
                    + $"{early.Sum(e => e.EarlyTimers):N0} in {early.Count:N0} instances, "
                    + $"up to {(early.Count == 0 ? 0 : early.Max(e => e.EarlyTimers))} in one"
            )
        );
        Console.WriteLine($"the largest history, {history.Largest}: {history.LargestKinds}");
    }

    private static string Ticket(int i) => $"D-{i:D5}";

    private static string InstanceId(int i) => SlaInstanceId.For(new TicketKey(BenchDatabase.TenantId, Ticket(i)));

    private static string Describe(StorageRequestCounts r) =>
        $"{r.Total:N0} (queues {r.Queues:N0}, tables {r.Tables:N0}, blobs {r.Blobs:N0})";

    private static Instant DueAt(Instant first, Duration interval, int i, decimal percent) =>
        CreatedAt(first, interval, i) + (Target * (double)(percent / 100m));

    /// <summary>Backdated so that the first threshold, 80% of the target, falls due at the ticket's slot.</summary>
    private static Instant CreatedAt(Instant first, Duration interval, int i) =>
        first + (interval * i) - (Target * 0.8);

    private static async Task<TimeSpan> StartAllAsync(
        ISlaService service,
        int count,
        Instant first,
        Duration interval,
        Action started
    )
    {
        var watch = Stopwatch.StartNew();
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4 };
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            options,
            async (i, cancellationToken) =>
            {
                var request = new StartRequest("P1", BenchDatabase.PolicyId, CreatedAt(first, interval, i));
                await service.StartAsync(new TicketKey(BenchDatabase.TenantId, Ticket(i)), request, cancellationToken);
                started();
            }
        );
        return watch.Elapsed;
    }

    private static async Task Quietly(Task loop)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException) { }
    }
}

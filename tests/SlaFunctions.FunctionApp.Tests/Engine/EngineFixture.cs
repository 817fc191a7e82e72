using System.Collections.Immutable;
using System.Globalization;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable;
using SlaFunctions.Durable.Instances;
using SlaFunctions.FunctionApp.Tests.Support;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Rollouts;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Engine;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.FunctionApp.Tests.Engine;

/// <summary>
/// One engine per test class over a database of its own, with a tenant whose targets are a minute or two on a
/// 24x7 calendar: tickets start with <c>createdAt</c> in the past, so their thresholds fall due within seconds.
/// Tickets are driven through the app's own durable backend (<see cref="DurableBackend"/>), as the HTTP functions do.
/// </summary>
public abstract class EngineFixture : IAsyncLifetime
{
    public const string Calendar = """{ "timeZone": "UTC", "is24x7": true }""";

    /// <summary>
    /// P3 tracks resolution only; its one-minute target keeps a reopened cycle's first threshold 30 s out.
    /// </summary>
    public const string Policy = """
        { "calendar": "ny", "targets": {
            "P1": { "responseMinutes": 1, "resolutionMinutes": 2 },
            "P2": { "responseMinutes": 2, "resolutionMinutes": 4 },
            "P3": { "resolutionMinutes": 1 } },
          "pauseStatuses": ["awaiting_client"] }
        """;

    private readonly DatabaseFixture database = new();

    public PublishedMessages Topic { get; } = new();

    public SlaEngine Engine { get; private set; } = null!;

    public string Tenant { get; private set; } = null!;

    public DurableTaskClient Client => Engine.Client;

    public ISlaService Service { get; private set; } = null!;

    public DurableSlaStore Store { get; private set; } = null!;

    /// <summary>The rows alone, as the durable backend writes them before it schedules anything.</summary>
    public PostgresSlaService Rows { get; private set; } = null!;

    public NpgsqlDataSource DataSource => database.DataSource;

    public RolloutRuns Rollouts { get; private set; } = null!;

    /// <summary>How the app's maintenance timer signals a rollout's change to durable tickets.</summary>
    public IRolloutDelivery RolloutDelivery { get; private set; } = null!;

    /// <summary>
    /// How long a command may take to reach the orchestration and be stored (a delivery orchestration, its
    /// activity, the raise, the ticket's round): the cases send nothing this close before a threshold. On two
    /// cores the test host's sidecar runs two work items at a time, so under the concurrent cases it takes seconds.
    /// </summary>
    public static Duration SignalLatency { get; } = Duration.FromSeconds(15);

    /// <summary>How late a timer may fire on this provider (queue polling) and still count as on time.</summary>
    public abstract Duration TimerSlack { get; }

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Tenant = await new SlaHarness(database.DataSource, SystemClock.Instance.GetCurrentInstant()).NewTenantAsync(
            Calendar,
            Policy
        );
        var tasks = new AppTasks(database.ConnectionString, Topic);
        Engine = await StartEngineAsync(tasks);
        Service = tasks.Services.GetRequiredService<DurableBackend>().SlaService(Engine.Client);
        Store = tasks.Services.GetRequiredService<DurableSlaStore>();
        Rows = tasks.Services.GetRequiredService<PostgresSlaService>();
        Rollouts = tasks.Services.GetRequiredService<RolloutRuns>();
        RolloutDelivery = tasks.Services.GetRequiredService<DurableBackend>().RolloutDelivery(Engine.Client)!;
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await database.DisposeAsync();
    }

    protected abstract Task<SlaEngine> StartEngineAsync(AppTasks tasks);

    protected static ILoggerFactory? Loggers => EngineLog.Loggers;

    /// <summary>Now, to the millisecond (PostgreSQL keeps microseconds).</summary>
    public static Instant Now() =>
        Instant.FromUnixTimeMilliseconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeMilliseconds());

    public TicketKey Ticket(string id) => new(Tenant, id);

    public async Task StartAsync(TicketKey ticket, string priority, Instant createdAt) =>
        await Service.StartAsync(ticket, new StartRequest(priority, CreatedAt: createdAt));

    /// <summary>Sends a command as the API does and waits until the orchestration has stored it.</summary>
    public async Task SendAsync(TicketKey ticket, TicketEvent e)
    {
        var sent = Now();
        await Service.ApplyAsync(ticket, e);
        await Eventually.HoldsAsync(
            $"{ticket.TicketId}: {e} stored",
            async () => (await EventsAsync(ticket)).Contains(e)
        );
        await EngineLog.WriteAsync(
            $"{ticket.TicketId}: {e.GetType().Name} stored after {(Now() - sent).TotalMilliseconds} ms"
        );
    }

    public async Task<ImmutableArray<TicketEvent>> EventsAsync(TicketKey ticket) =>
        (await Store.LoadAsync(ticket))?.Sla.Events ?? [];

    public async Task<InstanceState> StateAsync(TicketKey ticket) =>
        await new DurableInstances(Client).StateAsync(SlaInstanceId.For(ticket), CancellationToken.None);

    /// <summary>The input of the instance's current execution: a new one after ContinueAsNew or a restart.</summary>
    public async Task<TicketSlaInput> InputAsync(TicketKey ticket) =>
        (
            await Client.GetInstanceAsync(SlaInstanceId.For(ticket), getInputsAndOutputs: true)
        )?.ReadInputAs<TicketSlaInput>() ?? throw new InvalidOperationException($"{ticket} has no instance.");

    /// <summary>What <c>simulate</c> says fires up to <paramref name="until"/> for these events.</summary>
    public async Task<ImmutableSortedSet<string>> SimulatedAsync(
        TicketKey ticket,
        IEnumerable<TicketEvent> events,
        Instant until
    )
    {
        var policy = (await Store.LoadAsync(ticket) ?? throw new SlaNotFoundException(ticket)).Sla.Policy;
        var status = ScenarioRunner.Run(new Scenario(policy, [.. events.OrderBy(e => e.At)], until));
        return
        [
            .. status
                .Notifications.Where(n => n.DueAt <= until)
                .Select(n => Key(n.Phase, n.Cycle, n.Kind, n.Percent, n.Level, n.DueAt)),
        ];
    }

    /// <summary>The ticket's stored notifications due up to <paramref name="until"/>.</summary>
    public async Task<ImmutableArray<StoredNotification>> StoredAsync(TicketKey ticket, Instant? until = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            select notification_id, phase, cycle, kind, percent, level, due_at, fired_at from notifications
            where tenant_id = $1 and ticket_id = $2 and ($3::timestamptz is null or due_at <= $3) order by due_at, phase, percent
            """,
            connection
        )
        {
            Parameters =
            {
                new() { Value = ticket.TenantId },
                new() { Value = ticket.TicketId },
                new() { Value = (object?)until ?? DBNull.Value },
            },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = ImmutableArray.CreateBuilder<StoredNotification>();
        while (await reader.ReadAsync())
        {
            var key = string.Create(
                CultureInfo.InvariantCulture,
                $"{reader.GetString(1)}/{reader.GetInt32(2)}/{reader.GetString(3)}/{(double)reader.GetDecimal(4)}/{(reader.IsDBNull(5) ? "" : reader.GetInt32(5))}@{reader.GetFieldValue<Instant>(6)}"
            );
            rows.Add(
                new StoredNotification(
                    reader.GetGuid(0),
                    key,
                    reader.GetFieldValue<Instant>(6),
                    reader.GetFieldValue<Instant>(7)
                )
            );
        }

        return rows.ToImmutable();
    }

    /// <summary>
    /// Waits until the stored notifications due up to <paramref name="until"/> are <paramref name="expected"/> (once
    /// each), then checks that each was published exactly once.
    /// </summary>
    public async Task<ImmutableArray<StoredNotification>> SettledAsync(
        TicketKey ticket,
        Instant until,
        params IReadOnlySet<string>[] expected
    )
    {
        var waitUntil = until + TimerSlack;
        while (Now() < waitUntil)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        ImmutableArray<StoredNotification> stored = [];
        await Eventually.HoldsAsync(
            () =>
                $"{ticket.TicketId}: stored [{string.Join(", ", stored.Select(s => s.Key))}], expected {string.Join(" or ", expected.Select(e => $"[{string.Join(", ", e)}]"))}",
            async () =>
            {
                stored = await StoredAsync(ticket, until);
                var keys = stored.Select(s => s.Key).ToList();
                return keys.Count == keys.Distinct().Count() && expected.Any(e => e.SetEquals(keys));
            }
        );
        await Eventually.HoldsAsync(
            () =>
                $"{ticket.TicketId}: each notification published once: [{string.Join(", ", stored.Select(s => $"{s.Key} x{Topic.Sent.Count(m => m.MessageId == s.Id.ToString("D"))}"))}] of {Topic.Sent.Count} sent",
            () => Task.FromResult(stored.All(s => Topic.Sent.Count(m => m.MessageId == s.Id.ToString("D")) == 1))
        );
        return stored;
    }

    public static string Key(
        Core.Policies.SlaPhase phase,
        int cycle,
        Core.Policies.NotificationKind kind,
        decimal percent,
        int? level,
        Instant dueAt
    ) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{phase.ToString().ToLowerInvariant()}/{cycle}/{kind.ToString().ToLowerInvariant()}/{(double)percent}/{level}@{dueAt}"
        );

    /// <summary>The key of the retraction of the notification with <paramref name="key"/>: its kind replaced.</summary>
    public static string RetractionOf(string key)
    {
        var parts = key.Split('/');
        parts[2] = "retraction";
        return string.Join('/', parts);
    }
}

public sealed record StoredNotification(Guid Id, string Key, Instant DueAt, Instant FiredAt);

public sealed class InMemoryEngine : EngineFixture
{
    public override Duration TimerSlack => Duration.FromSeconds(2);

    protected override Task<SlaEngine> StartEngineAsync(AppTasks tasks) => SlaEngine.InMemoryAsync(tasks, Loggers);
}

/// <summary>The Azure Storage provider on Azurite, on a task hub of its own.</summary>
public sealed class AzureStorageEngine : EngineFixture
{
    /// <summary>
    /// Timers are read from the control queues, polled at most host.json's maxQueuePollingInterval apart.
    /// </summary>
    public override Duration TimerSlack =>
        Duration.FromTimeSpan(HostJsonPolling.Read().MaxQueuePollingInterval) + Duration.FromSeconds(3);

    protected override Task<SlaEngine> StartEngineAsync(AppTasks tasks) =>
        SlaEngine.AzureStorageAsync(tasks, AzuriteServer.ConnectionString, $"engine{Guid.NewGuid():N}"[..20], Loggers);
}

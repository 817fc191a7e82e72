using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Postgres.Tests.Polling;

/// <summary>Each test has a database of its own: the engine polls every tenant's due rows.</summary>
public sealed class PollingEngineTests : IAsyncLifetime
{
    private readonly DatabaseFixture database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");

    [Fact]
    public async Task The_engine_fires_each_threshold_when_it_falls_due_and_only_once()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-1"), new StartRequest("P1"));
        var engine = sla.Engine();

        sla.Clock.AdvanceMinutes(29);
        Assert.Equal(0, await SlaHarness.DrainAsync(engine));
        sla.Clock.AdvanceMinutes(1);
        Assert.Equal(1, await SlaHarness.DrainAsync(engine));
        Assert.Equal(0, await SlaHarness.DrainAsync(engine));
        sla.Clock.AdvanceMinutes(12);
        Assert.Equal(1, await SlaHarness.DrainAsync(engine));

        var fired = await sla.NotificationsAsync(tenant);
        Assert.Equal(
            [("warning", 50m, 30), ("escalation", 70m, 42)],
            fired.Select(n => (n.Kind, n.Percent, (int)(n.DueAt - Monday9).TotalMinutes))
        );
        Assert.All(fired, n => Assert.Equal(n.DueAt, n.FiredAt));
    }

    [Fact]
    public async Task After_downtime_every_missed_threshold_fires_once_late_with_its_original_due_instant()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-1"), new StartRequest("P1"));

        sla.Clock.AdvanceHours(3);
        var fired = await SlaHarness.DrainAsync(sla.Engine());
        var again = await SlaHarness.DrainAsync(sla.Engine());

        var stored = await sla.NotificationsAsync(tenant);
        Assert.Equal(fired, stored.Count);
        Assert.Equal(0, again);
        Assert.Equal([30, 42, 45, 54, 54, 60, 66], stored.Select(n => (int)(n.DueAt - Monday9).TotalMinutes).Order());
        Assert.All(stored, n => Assert.Equal(sla.Clock.GetCurrentInstant(), n.FiredAt));
    }

    [Fact]
    public async Task A_poll_reads_due_rows_through_the_wake_up_index_whatever_the_number_of_tickets()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        await using var connection = await sla.DataSource.OpenConnectionAsync();
        await using var explain = new Npgsql.NpgsqlCommand(
            """
            set enable_seqscan = off;
            explain (format json) select tenant_id from ticket_slas
            where backend = 'polling' and next_wake_at <= now() order by next_wake_at limit 500 for update skip locked
            """,
            connection
        );
        var plan = (string)(await explain.ExecuteScalarAsync())!;

        Assert.Contains("ticket_slas_due", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sleeping_engine_wakes_on_notify()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        // Its first threshold is 30 minutes away: the engine will sleep that long in real time,
        // so only a NOTIFY can make it fire within the test.
        await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-1"), new StartRequest("P1"));
        using var stop = new CancellationTokenSource();
        var running = sla.Engine(new PollingOptions { MaxSleep = Duration.FromHours(1) }).RunAsync(stop.Token);

        sla.Clock.AdvanceMinutes(30);
        await sla.CountAsync("select pg_notify('sla_wake', '')::text is null");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (
            await sla.CountAsync("select count(*) from notifications where tenant_id = $1", tenant) == 0
            && DateTime.UtcNow < deadline
            && !running.IsCompleted
        )
        {
            await Task.Yield();
        }

        await stop.CancelAsync();
        // Cancelled, it stops: at the head of its loop (it returns) or within a round (OperationCanceledException).
        var stopped = await Record.ExceptionAsync(() => running);
        Assert.True(stopped is null or OperationCanceledException, $"the engine stopped with {stopped}");
        Assert.Equal(1, await sla.CountAsync("select count(*) from notifications where tenant_id = $1", tenant));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500_000)]
    [InlineData(1_500_000)]
    public async Task A_wait_shorter_than_a_millisecond_still_ends_without_a_notify(long nanoseconds)
    {
        await using var listener = await WakeListener.OpenAsync(database.DataSource);

        var waiting = listener.WaitAsync(Duration.FromNanoseconds(nanoseconds));

        Assert.Same(waiting, await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.False(await waiting);
    }

    [Fact]
    public async Task Commands_notify_the_engines_only_when_they_move_a_wake_up_earlier()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var ticket = SlaHarness.Ticket(tenant, "T-1");
        await using var listener = await WakeListener.OpenAsync(sla.DataSource);

        await sla.Service.StartAsync(ticket, new StartRequest("P2"));
        Assert.True(await listener.WaitAsync(Duration.FromSeconds(30)), "a new wake-up notifies");
        sla.Clock.AdvanceMinutes(5);
        await sla.Service.ApplyAsync(ticket, new TicketPriorityChanged(sla.Clock.GetCurrentInstant(), "P1"));
        Assert.True(await listener.WaitAsync(Duration.FromSeconds(30)), "an earlier wake-up notifies");
        await sla.Service.ApplyAsync(ticket, new TicketPaused(sla.Clock.GetCurrentInstant(), "vendor"));
        Assert.False(await listener.WaitAsync(Duration.FromSeconds(1)), "a pause moves no wake-up earlier");
    }

    [Fact]
    public async Task For_random_tickets_the_engine_stores_exactly_what_simulate_fires()
    {
        var scenarios = ScenarioGenerators.Scenario().Sample(60, 20).ToList();
        foreach (var scenario in scenarios)
        {
            await RetireAllTicketsAsync();
            var sla = new SlaHarness(database.DataSource, scenario.Events[0].At);
            var tenant = await sla.NewTenantAsync(
                CalendarJson.Write(scenario.Policy.Calendar),
                PolicyJson.Write(scenario.Policy, "ny")
            );
            var ticket = SlaHarness.Ticket(tenant, "T-1");
            var engine = sla.Engine();
            var created = (TicketCreated)scenario.Events[0];
            await sla.Service.StartAsync(ticket, new StartRequest(created.Priority));

            foreach (var e in scenario.Events.Skip(1).Where(e => e.At <= scenario.AsOf))
            {
                await RunEngineUntil(sla, engine, ticket, e.At, inclusive: false);
                sla.Clock.Reset(e.At);
                await sla.Service.ApplyAsync(ticket, e);
            }

            await RunEngineUntil(sla, engine, ticket, scenario.AsOf, inclusive: true);

            var expected = ScenarioRunner
                .Run(scenario)
                .Notifications.Select(n =>
                    (
                        Phase: WireNames.Of(n.Phase),
                        n.Cycle,
                        Kind: WireNames.Of(n.Kind),
                        n.Percent,
                        n.Level,
                        n.DueAt,
                        n.FiredAt
                    )
                )
                .Order();
            var stored = (await sla.NotificationsAsync(tenant))
                .Select(n => (n.Phase, n.Cycle, n.Kind, n.Percent, n.Level, n.DueAt, n.FiredAt))
                .Order();
            Assert.True(
                expected.SequenceEqual(stored),
                $"engine: {string.Join("; ", stored)}\nsimulate: {string.Join("; ", expected)}\nevents: {string.Join("; ", scenario.Events)}\nuntil {scenario.AsOf}\n"
                    + $"targets: {string.Join("; ", scenario.Policy.Targets.Select(t => $"{t.Key}={t.Value.Response}/{t.Value.Resolution} 24x7={t.Value.Is24x7}"))}"
            );
        }
    }

    /// <summary>One ticket at a time: the previous scenario's ticket must not wake the engine any more.</summary>
    private async Task RetireAllTicketsAsync()
    {
        await using var command = database.DataSource.CreateCommand("update ticket_slas set next_wake_at = null");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Moves the clock from wake-up to wake-up, polling at each, up to the limit.</summary>
    private static async Task RunEngineUntil(
        SlaHarness sla,
        PollingEngine engine,
        TicketKey ticket,
        Instant limit,
        bool inclusive
    )
    {
        while (
            (await sla.Service.GetStatusAsync(ticket)) is not null
            && await engine.NextWakeAtAsync() is { } wake
            && (wake < limit || (inclusive && wake == limit))
        )
        {
            sla.Clock.Reset(wake > sla.Clock.GetCurrentInstant() ? wake : sla.Clock.GetCurrentInstant());
            await SlaHarness.DrainAsync(engine);
        }
    }
}

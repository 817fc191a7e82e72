using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Postgres.Tests.Durable;

/// <summary>
/// The durable backend's rows on a real database: the persist activity, restarts, the move to polling, the reconciler's
/// query.
/// </summary>
public class DurableSlaStoreTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    // Monday 2026-06-08 09:00 in New York.
    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");

    private static readonly DurableStoreOptions Options = new();

    [Fact]
    public async Task A_round_stores_snapshot_notifications_with_their_outbox_rows_and_one_audit_entry()
    {
        var (sla, store, ticket) = await StartAsync("T-1");
        var round = await RoundAsync(
            sla,
            ticket,
            Monday9 + Duration.FromMinutes(50),
            new TicketStatusChanged(Monday9 + Duration.FromMinutes(50), "awaiting_client") { Id = "s1" }
        );

        var stored = await store.PersistAsync(round);

        Assert.Equal(3, stored);
        var loaded = (await store.LoadAsync(ticket))!;
        Assert.True(SnapshotHistory.Same(round.Snapshot, loaded.Sla.ToSnapshot()));
        Assert.Equal(SlaBackend.Durable, loaded.Backend);
        Assert.Equal(
            3,
            await sla.CountAsync("select count(*) from notifications where tenant_id = $1", ticket.TenantId)
        );
        Assert.Equal(
            3,
            await sla.CountAsync(
                "select count(*) from outbox where tenant_id = $1 and sink = 'servicebus' and state = 'pending' and next_attempt_at = $2",
                ticket.TenantId,
                round.At + Options.PublishGrace
            )
        );
        Assert.Equal(
            1,
            await sla.CountAsync(
                "select count(*) from audit_log where tenant_id = $1 and action = 'status'",
                ticket.TenantId
            )
        );
        Assert.Equal(loaded.Sla.NextWakeAt, await NextWakeAtAsync(sla, ticket)); // the projection of the stored snapshot
    }

    [Fact]
    public async Task Running_the_same_round_again_changes_nothing()
    {
        var (sla, store, ticket) = await StartAsync("T-2");
        var round = await RoundAsync(
            sla,
            ticket,
            Monday9 + Duration.FromMinutes(50),
            new TicketResponded(Monday9 + Duration.FromMinutes(50)) { Id = "r1" }
        );
        await store.PersistAsync(round);
        var version = (await store.LoadAsync(ticket))!.Version;

        var again = await store.PersistAsync(round);

        Assert.Equal(0, again);
        Assert.Equal(version, (await store.LoadAsync(ticket))!.Version);
        Assert.Equal(
            1,
            await sla.CountAsync(
                "select count(*) from audit_log where tenant_id = $1 and action = 'responded'",
                ticket.TenantId
            )
        );
        Assert.Equal(3, await sla.CountAsync("select count(*) from outbox where tenant_id = $1", ticket.TenantId));
    }

    [Fact]
    public async Task A_late_run_of_an_older_round_does_not_replace_the_newer_snapshot()
    {
        var (sla, store, ticket) = await StartAsync("T-3");
        var older = await RoundAsync(
            sla,
            ticket,
            Monday9 + Duration.FromMinutes(10),
            new TicketStatusChanged(Monday9 + Duration.FromMinutes(10), "awaiting_client") { Id = "s1" }
        );
        var newer = Next(
            sla,
            older,
            Monday9 + Duration.FromMinutes(20),
            new TicketStatusChanged(Monday9 + Duration.FromMinutes(20), "open") { Id = "s2" }
        );
        await store.PersistAsync(older);
        await store.PersistAsync(newer);

        await store.PersistAsync(older);

        var loaded = (await store.LoadAsync(ticket))!;
        Assert.True(SnapshotHistory.Same(newer.Snapshot, loaded.Sla.ToSnapshot()));
        Assert.Equal(loaded.Sla.NextWakeAt, await NextWakeAtAsync(sla, ticket));
    }

    [Fact]
    public async Task Racing_runs_of_two_rounds_end_with_the_newer_snapshot_and_everything_stored_once()
    {
        var (sla, store, ticket) = await StartAsync("T-4");
        var older = await RoundAsync(
            sla,
            ticket,
            Monday9 + Duration.FromMinutes(40),
            new TicketStatusChanged(Monday9 + Duration.FromMinutes(40), "awaiting_client") { Id = "s1" }
        );
        var newer = Next(
            sla,
            older,
            Monday9 + Duration.FromMinutes(80),
            new TicketStatusChanged(Monday9 + Duration.FromMinutes(80), "open") { Id = "s2" }
        );

        await Task.WhenAll(
            Enumerable.Range(0, 16).Select(i => Task.Run(() => store.PersistAsync(i % 2 == 0 ? older : newer)))
        );

        Assert.True(SnapshotHistory.Same(newer.Snapshot, (await store.LoadAsync(ticket))!.Sla.ToSnapshot()));
        Assert.Equal(
            1,
            await sla.CountAsync(
                "select count(*) from audit_log where tenant_id = $1 and action = 'status' and detail->'event'->>'id' = 's1'",
                ticket.TenantId
            )
        );
        Assert.Equal(
            1,
            await sla.CountAsync(
                "select count(*) from audit_log where tenant_id = $1 and action = 'status' and detail->'event'->>'id' = 's2'",
                ticket.TenantId
            )
        );
        Assert.Equal(
            newer.Snapshot.Fired.Length,
            await sla.CountAsync("select count(*) from notifications where tenant_id = $1", ticket.TenantId)
        );
    }

    [Fact]
    public async Task A_compacted_round_replaces_the_uncompacted_row_and_no_late_run_of_an_older_round_replaces_it_back()
    {
        var (sla, store, ticket) = await StartAsync("T-9");
        var first = await RoundAsync(sla, ticket, Minutes(10), Status(10, "awaiting_client"));
        var second = Next(sla, first, Minutes(20), Status(20, "open"));
        var compacted = Compacted(sla, Next(sla, second, Minutes(30), Status(30, "awaiting_client")), Minutes(25));
        Assert.Equal(Minutes(25), compacted.Snapshot.Checkpoint?.At);
        await store.PersistAsync(first);
        await store.PersistAsync(second);

        await store.PersistAsync(compacted);
        var stored = (await store.LoadAsync(ticket))!;
        await store.PersistAsync(second);
        await store.PersistAsync(first);
        await store.PersistAsync(compacted);

        Assert.Equal(SlaJson.Serialize(compacted.Snapshot), SlaJson.Serialize(stored.Sla.ToSnapshot()));
        Assert.Equal([Status(30, "awaiting_client")], stored.Sla.Events.ToArray());
        var after = (await store.LoadAsync(ticket))!;
        Assert.Equal(stored.Version, after.Version);
        Assert.True(SnapshotHistory.Same(compacted.Snapshot, after.Sla.ToSnapshot()));
        Assert.Equal(
            1,
            await sla.CountAsync(
                "select count(*) from audit_log where tenant_id = $1 and detail->'event'->>'id' = 's30'",
                ticket.TenantId
            )
        );
    }

    [Fact]
    public async Task A_compacted_snapshot_of_a_stale_history_does_not_replace_a_newer_row()
    {
        var (sla, store, ticket) = await StartAsync("T-10");
        var stale = await RoundAsync(sla, ticket, Minutes(10), Status(10, "awaiting_client"));
        var newer = Next(sla, stale, Minutes(20), Status(20, "open"));
        await store.PersistAsync(stale);
        await store.PersistAsync(newer);
        var version = (await store.LoadAsync(ticket))!.Version;

        // Folded up to 15 minutes, it lacks the newer row's event after that; up to 25, one before it.
        await store.PersistAsync(Compacted(sla, stale, Minutes(15)));
        await store.PersistAsync(Compacted(sla, stale, Minutes(25)));

        var stored = (await store.LoadAsync(ticket))!;
        Assert.Equal(version, stored.Version);
        Assert.True(SnapshotHistory.Same(newer.Snapshot, stored.Sla.ToSnapshot()));
        Assert.Null(stored.Sla.Checkpoint);
    }

    [Fact]
    public async Task A_restart_input_carries_the_stored_snapshot_and_the_policy_it_is_bound_to()
    {
        var (_, store, ticket) = await StartAsync("T-5");
        var signal = new SlaSignal(new TicketReopened(Monday9 + Duration.FromHours(1)));

        var input = (await store.LoadAsync(ticket))!.Input([signal], HistoryCompaction.Default);

        Assert.Equal(ticket, input.Ticket);
        Assert.Equal(input.Snapshot.Policy, input.Policy.Ref);
        Assert.Equal(input.Snapshot.Policy, input.Policy.Compile().Ref);
        Assert.Equal([signal], input.Signals.ToArray());
        Assert.Equal(HistoryCompaction.Default, input.Compaction);
        Assert.Null(await store.LoadAsync(ticket with { TicketId = "none" }));
    }

    [Fact]
    public async Task A_ticket_moved_to_polling_is_recorded_and_the_polling_engine_takes_it_over()
    {
        var (sla, store, ticket) = await StartAsync("T-6");

        Assert.True(await store.MoveToPollingAsync(ticket, "scheduling failed"));
        Assert.False(await store.MoveToPollingAsync(ticket, "again"));

        Assert.Equal(SlaBackend.Polling, (await store.LoadAsync(ticket))!.Backend);
        Assert.Equal(
            1,
            await sla.CountAsync(
                "select count(*) from audit_log where tenant_id = $1 and action = 'moved_to_polling' and detail->>'reason' = 'scheduling failed'",
                ticket.TenantId
            )
        );
        sla.Clock.AdvanceMinutes(31);
        Assert.Equal(1, await SlaHarness.DrainAsync(sla.Engine()));
    }

    [Fact]
    public async Task The_reconciler_sees_only_durable_tickets_whose_wake_up_is_past_the_cutoff()
    {
        var (sla, store, ticket) = await StartAsync("T-7");
        var polling = new SlaHarness(database.DataSource, Monday9);
        var pollingTicket = SlaHarness.Ticket(ticket.TenantId, "T-7p");
        await polling.Service.StartAsync(pollingTicket, new StartRequest("P1"));

        var early = await store.OverdueAsync(Monday9 + Duration.FromMinutes(29), 100);
        var late = await store.OverdueAsync(Monday9 + Duration.FromMinutes(30), 100);

        Assert.DoesNotContain(ticket, early);
        Assert.Contains(ticket, late);
        Assert.DoesNotContain(pollingTicket, late);
    }

    [Fact]
    public async Task The_publish_activity_reads_pending_payloads_as_stored_and_marks_them_delivered()
    {
        var (sla, store, ticket) = await StartAsync("T-8");
        var round = await RoundAsync(sla, ticket, Monday9 + Duration.FromMinutes(50), null);
        await store.PersistAsync(round);
        var outbox = new DurableOutbox(database.DataSource, sla.Clock);
        var ids = round.Fired.Select(f => NotificationMessage.IdOf(ticket, f)).ToList();

        var pending = await outbox.PendingAsync(ids, "servicebus");
        var delivered = await outbox.MarkDeliveredAsync(ids, "servicebus");

        Assert.Equal(ids.Order(), pending.Select(p => p.NotificationId).Order());
        Assert.All(
            pending,
            p =>
                Assert.Equal(
                    p.NotificationId,
                    System.Text.Json.JsonDocument.Parse(p.Payload).RootElement.GetProperty("notificationId").GetGuid()
                )
        );
        Assert.Equal(3, delivered);
        Assert.Empty(await outbox.PendingAsync(ids, "servicebus"));
    }

    [Fact]
    public async Task The_inbox_remembers_event_ids_per_tenant_and_tells_a_retry_from_a_reuse()
    {
        var inbox = new EventInbox(database.DataSource, SystemClock.Instance);
        EventEnvelope Event(string tenant, string status) =>
            new(
                "evt-1",
                "TICKET_STATUS_CHANGED",
                tenant,
                Instant.FromUtc(2026, 6, 8, 13, 0),
                JsonDocument.Parse($$"""{ "ticketId": "T-1", "newStatus": "{{status}}" }""").RootElement
            );

        await inbox.MarkProcessedAsync(Event("tenant-a", "open"));
        await inbox.MarkProcessedAsync(Event("tenant-a", "open"));

        Assert.Equal((true, true), await inbox.LookUpAsync(Event("tenant-a", "open")));
        Assert.Equal((true, false), await inbox.LookUpAsync(Event("tenant-a", "closed")));
        Assert.Equal((false, false), await inbox.LookUpAsync(Event("tenant-b", "open")));
    }

    private async Task<(SlaHarness Sla, DurableSlaStore Store, TicketKey Ticket)> StartAsync(string ticketId)
    {
        var sla = new SlaHarness(
            database.DataSource,
            Monday9,
            new SlaStoreOptions { Backend = SlaBackend.Durable, Sinks = Options.Sinks }
        );
        var tenant = await sla.NewTenantAsync();
        var ticket = SlaHarness.Ticket(tenant, ticketId);
        await sla.Service.StartAsync(ticket, new StartRequest("P1"));
        return (sla, new DurableSlaStore(database.DataSource, sla.Policies, sla.Clock, Options), ticket);
    }

    /// <summary>
    /// What the orchestration persists after applying the event (if any) and firing what is due at <paramref
    /// name="at"/>.
    /// </summary>
    private static async Task<PersistSlaRequest> RoundAsync(
        SlaHarness sla,
        TicketKey ticket,
        Instant at,
        TicketEvent? e
    )
    {
        var store = new DurableSlaStore(sla.DataSource, sla.Policies, sla.Clock, Options);
        var current = (await store.LoadAsync(ticket))!.Sla;
        return Round(ticket, current, at, e);
    }

    private static PersistSlaRequest Next(SlaHarness sla, PersistSlaRequest previous, Instant at, TicketEvent e) =>
        Round(
            previous.Ticket,
            TicketSla.Restore(
                sla.Policies.GetAsync(previous.Ticket.TenantId, previous.Snapshot.Policy).AsTask().Result,
                previous.Snapshot
            ),
            at,
            e
        );

    /// <summary>
    /// The round with its snapshot compacted up to <paramref name="horizon"/>, as the orchestration persists it.
    /// </summary>
    private static PersistSlaRequest Compacted(SlaHarness sla, PersistSlaRequest round, Instant horizon)
    {
        var policy = sla.Policies.GetAsync(round.Ticket.TenantId, round.Snapshot.Policy).AsTask().Result;
        return round with { Snapshot = TicketSla.Restore(policy, round.Snapshot).Compact(horizon).ToSnapshot() };
    }

    private static Instant Minutes(int minutes) => Monday9 + Duration.FromMinutes(minutes);

    private static TicketStatusChanged Status(int minutes, string status) =>
        new(Minutes(minutes), status) { Id = $"s{minutes}" };

    private static PersistSlaRequest Round(TicketKey ticket, TicketSla sla, Instant at, TicketEvent? e)
    {
        var applied = e is null ? sla : sla.Apply(e).Sla;
        var firing = applied.FireDue(at);
        var signal = e is null ? null : new SignalRecord(e, SignalOutcome.Applied, null);
        return new PersistSlaRequest(ticket, at, firing.Sla.ToSnapshot(), firing.Fired, signal);
    }

    private static async Task<Instant?> NextWakeAtAsync(SlaHarness sla, TicketKey ticket)
    {
        await using var connection = await sla.DataSource.OpenConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select next_wake_at from ticket_slas where tenant_id = $1 and ticket_id = $2",
            connection
        )
        {
            Parameters =
            {
                new() { Value = ticket.TenantId },
                new() { Value = ticket.TicketId },
            },
        };
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? null : (Instant)value;
    }
}

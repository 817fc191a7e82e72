using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Queries;
using SlaFunctions.Postgres.Rollouts;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Postgres.Tests.Rollouts;

/// <summary>
/// A rollout applied for real on stored tickets: it stores what its dry run said, in batches that commit whole or
/// not at all, reaches each ticket once however often a batch is retried, signals durable tickets instead of writing
/// them, keeps to its tenant and stops when cancelled.
/// </summary>
public class RolloutApplyTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday9 = Instant.FromUtc(2026, 6, 8, 13, 0);

    [Fact]
    public async Task Apply_stores_what_the_dry_run_said_for_each_ticket_once_audited_and_only_in_its_tenant()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var other = await sla.NewTenantAsync();
        var random = new Random(20261203);
        for (var i = 0; i < 30; i++)
        {
            await RandomTickets.StartAsync(sla, SlaHarness.Ticket(tenant, $"T-{i:D2}"), random, Monday9);
            await sla.Service.StartAsync(SlaHarness.Ticket(other, $"T-{i:D2}"), new StartRequest("P1"));
        }

        await sla.Definitions.PutPolicyAsync(tenant, "standard", RandomTickets.Version2);
        await sla.Definitions.PutPolicyAsync(other, "standard", RandomTickets.Version2);
        var at = sla.Clock.GetCurrentInstant();
        var plan = new RolloutPlan(new PolicyRef("standard", 2), at);
        var dryRun = await Previews(sla).PreviewAsync(tenant, plan, null, 500);
        var runs = Runs(sla, 7);

        var started = await runs.StartAsync(tenant, plan);
        var progress = await ApplyAllAsync(runs, started);

        Assert.Equal(RolloutState.Done, progress.State);
        Assert.Equal((dryRun.Summary.Matched, dryRun.Summary.Matched), (progress.Total, progress.Done));
        Assert.Equal(Counts(dryRun.Summary), Counts(progress.Applied));
        Assert.Equal(dryRun.Summary.SkippedReasons, progress.Applied.SkippedReasons);
        var next = await sla.Policies.GetAsync(tenant, new PolicyRef("standard", 2));
        var changeId = RolloutRuns.ChangeId(started.Id);
        foreach (var preview in dryRun.Tickets)
        {
            var ticket = SlaHarness.Ticket(tenant, preview.TicketId);
            var stored = (await sla.Service.GetSlaAsync(ticket))!; // restored from the stored JSON
            var changes = stored.Events.OfType<TicketDefinitionsChanged>().ToList();
            if (preview.Skipped is not null)
            {
                Assert.Empty(changes);
                continue;
            }

            var change = Assert.Single(changes);
            Assert.Equal((changeId, at, new PolicyRef("standard", 2)), (change.Id, change.At, change.Policy.Ref));
            var before = stored.Events.Where(e => e.Id != changeId).ToList();
            var simulated = ScenarioRunner.Run(
                new Scenario(stored.Policy, [.. before, new TicketDefinitionsChanged(at, next)], at)
            );
            var status = stored.StatusAt(at);
            foreach (var phase in preview.Phases.Where(p => p.StateAfter is not null))
            {
                var expected = simulated.Phases.Single(p => p.Phase == phase.Phase && p.Cycle == phase.Cycle);
                var actual = status.Phases.Single(p => p.Phase == phase.Phase && p.Cycle == phase.Cycle);
                Assert.Equal((expected.DueAt, expected.Outcome), (actual.DueAt, actual.Outcome));
                Assert.Equal(phase.DueAfter, actual.DueAt);
            }

            Assert.Equal(
                1,
                await sla.CountAsync(
                    "select count(*) from audit_log where tenant_id = $1 and ticket_id = $2 and action = 'definitions' and detail->'event'->>'id' = $3",
                    tenant,
                    preview.TicketId,
                    changeId
                )
            );
        }

        Assert.True(dryRun.Tickets.Count(t => t.Skipped is null) > 10, "most tickets are changed");
        Assert.Equal(
            0,
            await sla.CountAsync(
                "select count(*) from ticket_slas where tenant_id = $1 and snapshot::text like '%rollout-%'",
                other
            )
        );
        Assert.Equal(0, await runs.ApplyBatchAsync(null)); // done: nothing left to apply
    }

    [Fact]
    public async Task A_batch_that_fails_changes_nothing_and_the_next_worker_reaches_every_ticket_once_signalling_durable_ones()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        for (var i = 0; i < 12; i++)
        {
            await sla.Service.StartAsync(SlaHarness.Ticket(tenant, $"T-{i:D2}"), new StartRequest("P1"));
        }

        // Every third ticket is driven by a durable orchestration: a rollout signals it.
        await sla.CountAsync(
            "with d as (update ticket_slas set backend = 'durable' where tenant_id = $1 and right(ticket_id, 2)::int % 3 = 0 returning 1) select count(*) from d",
            tenant
        );
        await sla.Definitions.PutPolicyAsync(tenant, "standard", RandomTickets.Version2);
        sla.Clock.AdvanceMinutes(5);
        var started = await Runs(sla)
            .StartAsync(tenant, new RolloutPlan(new PolicyRef("standard", 2), sla.Clock.GetCurrentInstant()));
        var failing = new RecordingDelivery { FailAt = 3 };

        await Assert.ThrowsAsync<InvalidOperationException>(() => Runs(sla, 10).ApplyBatchAsync(failing));

        Assert.Equal(0, (await Runs(sla).GetAsync(tenant, started.Id))!.Done);
        Assert.Equal(
            0,
            await sla.CountAsync(
                "select count(*) from ticket_slas where tenant_id = $1 and snapshot::text like '%rollout-%'",
                tenant
            )
        );
        var delivery = new RecordingDelivery();
        var progress = await ApplyAllAsync(Runs(sla, 5), started, delivery);

        Assert.Equal(
            (RolloutState.Done, 12, 12, 0),
            (progress.State, progress.Total, progress.Done, progress.Applied.Skipped)
        );
        var changeId = RolloutRuns.ChangeId(started.Id);
        Assert.Equal(
            ["T-00", "T-03", "T-06", "T-09"],
            failing.Delivered.Concat(delivery.Delivered).Select(d => d.Ticket.TicketId).Distinct().Order()
        );
        Assert.All(failing.Delivered.Concat(delivery.Delivered), d => Assert.Equal(changeId, d.Change.Id));
        Assert.Equal(4, delivery.Delivered.Count);
        for (var i = 0; i < 12; i++)
        {
            var stored = (await sla.Service.GetSlaAsync(SlaHarness.Ticket(tenant, $"T-{i:D2}")))!;
            Assert.Equal(i % 3 == 0 ? 0 : 1, stored.Events.Count(e => e.Id == changeId)); // durable ones wait for their signal
        }
    }

    [Fact]
    public async Task A_ticket_locked_during_the_pass_is_left_for_the_sweep_and_the_rollout_is_not_done_without_it()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        for (var i = 0; i < 6; i++)
        {
            await sla.Service.StartAsync(SlaHarness.Ticket(tenant, $"T-{i:D2}"), new StartRequest("P1"));
        }

        await sla.Definitions.PutPolicyAsync(tenant, "standard", RandomTickets.Version2);
        var runs = Runs(sla, 100);
        var started = await runs.StartAsync(tenant, new RolloutPlan(new PolicyRef("standard", 2), Monday9));
        await using var engine = await sla.DataSource.OpenConnectionAsync();
        await using var hold = await engine.BeginTransactionAsync();
        await using (var lockRow = engine.CreateCommand())
        {
            lockRow.CommandText =
                $"select 1 from ticket_slas where tenant_id = '{tenant}' and ticket_id = 'T-03' for update";
            await lockRow.ExecuteNonQueryAsync();
        }

        Assert.Equal(5, await runs.ApplyBatchAsync(null)); // the pass, past T-03
        Assert.Equal(0, await runs.ApplyBatchAsync(null)); // the sweep: T-03 is still held
        Assert.Equal((RolloutState.Running, 5), await StateAsync(runs, started));
        await hold.CommitAsync();
        Assert.Equal(1, await runs.ApplyBatchAsync(null));
        Assert.Equal(0, await runs.ApplyBatchAsync(null));
        Assert.Equal((RolloutState.Done, 6), await StateAsync(runs, started));
    }

    private static async Task<(RolloutState, int)> StateAsync(RolloutRuns runs, RolloutProgress started)
    {
        var progress = (await runs.GetAsync(started.TenantId, started.Id))!;
        return (progress.State, progress.Done);
    }

    [Fact]
    public async Task A_scheduled_rollout_waits_for_its_instant_and_a_cancelled_one_stops_keeping_what_it_changed()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        for (var i = 0; i < 9; i++)
        {
            await sla.Service.StartAsync(SlaHarness.Ticket(tenant, $"T-{i:D2}"), new StartRequest("P2"));
        }

        await sla.Definitions.PutPolicyAsync(tenant, "standard", RandomTickets.Version2);
        var runs = Runs(sla, 4);
        var started = await runs.StartAsync(
            tenant,
            new RolloutPlan(new PolicyRef("standard", 2), Monday9 + Duration.FromMinutes(30))
        );

        Assert.Equal(RolloutState.Scheduled, started.State);
        Assert.Equal(0, await runs.ApplyBatchAsync(null));
        sla.Clock.AdvanceMinutes(30);
        Assert.Equal(4, await runs.ApplyBatchAsync(null));
        var cancelled = (await runs.CancelAsync(tenant, started.Id))!;
        Assert.Equal((RolloutState.Cancelled, 4), (cancelled.State, cancelled.Done));
        Assert.Equal(0, await runs.ApplyBatchAsync(null));
        var again = (await runs.CancelAsync(tenant, started.Id))!;
        Assert.Equal(
            (cancelled.State, cancelled.Done, cancelled.FinishedAt),
            (again.State, again.Done, again.FinishedAt)
        );
        Assert.Equal(
            4,
            await sla.CountAsync(
                "select count(*) from ticket_slas where tenant_id = $1 and snapshot::text like '%rollout-%'",
                tenant
            )
        );
        Assert.Null(await runs.GetAsync(await sla.NewTenantAsync(), started.Id));
        var missing = await Assert.ThrowsAsync<InvalidInputException>(() =>
            runs.StartAsync(tenant, new RolloutPlan(new PolicyRef("standard", 3), sla.Clock.GetCurrentInstant()))
        );
        Assert.Equal("$.version", missing.Path);
    }

    [Fact]
    public async Task After_a_rollout_onto_another_calendar_the_search_counts_the_time_left_on_the_new_one()
    {
        // Monday 16:00 in New York, a P1 response in 90 minutes on a 24x7 calendar; at 16:10 version 2 puts it on
        // the 9-to-5 one: 80 business minutes left, due Tuesday 09:30, which is more than four wall-clock hours on.
        var monday16 = Instant.FromUtc(2026, 6, 8, 20, 0);
        var sla = new SlaHarness(database.DataSource, monday16);
        var tenant = await sla.NewTenantAsync();
        await sla.Definitions.PutCalendarAsync(tenant, "always", """{ "timeZone": "UTC", "is24x7": true }""");
        const string policy =
            """{ "calendar": "{0}", "targets": { "P1": { "responseMinutes": 90, "resolutionMinutes": 960 } } }""";
        await sla.Definitions.PutPolicyAsync(
            tenant,
            "standard",
            policy.Replace("{0}", "always", StringComparison.Ordinal)
        );
        var ticket = SlaHarness.Ticket(tenant, "T-1");
        await sla.Service.StartAsync(ticket, new StartRequest("P1", PolicyId: "standard"));
        var version = await sla.Definitions.PutPolicyAsync(
            tenant,
            "standard",
            policy.Replace("{0}", "ny", StringComparison.Ordinal)
        );
        sla.Clock.AdvanceMinutes(10);
        var runs = Runs(sla);
        await ApplyAllAsync(
            runs,
            await runs.StartAsync(
                tenant,
                new RolloutPlan(new PolicyRef("standard", version), sla.Clock.GetCurrentInstant())
            )
        );
        var queries = new SlaQueries(sla.DataSource, sla.Policies);

        var within4h = await queries.SearchAsync(
            tenant,
            new SlaSearch { RemainingBelow = Duration.FromHours(4) },
            sla.Clock.GetCurrentInstant()
        );
        var within1h = await queries.SearchAsync(
            tenant,
            new SlaSearch { RemainingBelow = Duration.FromHours(1) },
            sla.Clock.GetCurrentInstant()
        );

        var status = (await sla.Service.GetSlaAsync(ticket))!.StatusAt(sla.Clock.GetCurrentInstant());
        Assert.Equal(
            Instant.FromUtc(2026, 6, 9, 13, 30),
            status.Phases.Single(p => p.Phase == SlaPhase.Response).DueAt
        );
        Assert.Equal(["T-1"], within4h.Items.Select(i => i.TicketId));
        Assert.Empty(within1h.Items);
    }

    [Fact]
    public async Task A_calendars_rollout_moves_each_ticket_on_it_to_its_own_policys_new_version_and_no_other_ticket()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        await sla.Definitions.PutPolicyAsync(tenant, "gold", SlaHarness.Standard);
        await sla.Definitions.PutCalendarAsync(tenant, "always", """{ "timeZone": "UTC", "is24x7": true }""");
        await sla.Definitions.PutPolicyAsync(
            tenant,
            "night",
            SlaHarness.Standard.Replace("\"ny\"", "\"always\"", StringComparison.Ordinal)
        );
        foreach (var (ticket, policy) in new[] { ("A", "standard"), ("B", "gold"), ("C", "night") })
        {
            await sla.Service.StartAsync(SlaHarness.Ticket(tenant, ticket), new StartRequest("P1", PolicyId: policy));
        }

        // Longer hours: every policy on "ny" gets a version on the new calendar.
        await sla.Definitions.PutCalendarAsync(
            tenant,
            "ny",
            SlaHarness.NewYorkWeekdays.Replace("17:00", "19:00", StringComparison.Ordinal)
        );
        sla.Clock.AdvanceMinutes(5);
        var previews = Previews(sla);
        var versions = await previews.VersionsOnCalendarAsync(tenant, "ny");
        var plan = RolloutPlan.OfCalendar("ny", sla.Clock.GetCurrentInstant()) with { Versions = versions };
        var runs = Runs(sla);

        var progress = await ApplyAllAsync(runs, await runs.StartAsync(tenant, plan));

        Assert.Equal([new PolicyRef("gold", 2), new PolicyRef("standard", 2)], versions.AsEnumerable());
        Assert.Equal((RolloutState.Done, 2, 2), (progress.State, progress.Total, progress.Done));
        Assert.Equal("ny", progress.Plan.CalendarId);
        foreach (
            var (ticket, version) in new[] { ("A", new PolicyRef("standard", 2)), ("B", new PolicyRef("gold", 2)) }
        )
        {
            var stored = (await sla.Service.GetSlaAsync(SlaHarness.Ticket(tenant, ticket)))!;
            Assert.Equal(version, Assert.Single(stored.Events.OfType<TicketDefinitionsChanged>()).Policy.Ref);
        }

        Assert.Empty(
            (await sla.Service.GetSlaAsync(SlaHarness.Ticket(tenant, "C")))!.Events.OfType<TicketDefinitionsChanged>()
        );
        var unknown = await Assert.ThrowsAsync<InvalidInputException>(() =>
            previews.VersionsOnCalendarAsync(tenant, "mars")
        );
        await sla.Definitions.PutCalendarAsync(tenant, "empty", """{ "timeZone": "UTC", "is24x7": true }""");
        var unused = await Assert.ThrowsAsync<InvalidInputException>(() =>
            previews.VersionsOnCalendarAsync(tenant, "empty")
        );
        Assert.Equal(("$.calendarId", "$.calendarId"), (unknown.Path, unused.Path));
    }

    private static async Task<RolloutProgress> ApplyAllAsync(
        RolloutRuns runs,
        RolloutProgress started,
        IRolloutDelivery? delivery = null
    )
    {
        var progress = started;
        for (var round = 0; round < 100 && progress.State == RolloutState.Running; round++)
        {
            await runs.ApplyBatchAsync(delivery);
            progress = (await runs.GetAsync(started.TenantId, started.Id))!;
        }

        return progress;
    }

    private static RolloutPreviews Previews(SlaHarness sla) => new(sla.DataSource, sla.Definitions, sla.Policies);

    private static RolloutRuns Runs(SlaHarness sla, int batchSize = 500) =>
        new(sla.DataSource, sla.Policies, Previews(sla), sla.Service, sla.Clock, NullLogger<RolloutRuns>.Instance)
        {
            BatchSize = batchSize,
        };

    private static (int, int, int, int, int, int) Counts(RolloutSummary s) =>
        (s.Matched, s.Unchanged, s.DueEarlier, s.DueLater, s.NewlyBreached, s.Skipped);

    private sealed class RecordingDelivery : IRolloutDelivery
    {
        public int? FailAt { get; init; }

        public List<(TicketKey Ticket, TicketDefinitionsChanged Change)> Delivered { get; } = [];

        public Task DeliverAsync(TicketKey ticket, TicketDefinitionsChanged change, CancellationToken cancellationToken)
        {
            Delivered.Add((ticket, change));
            return Delivered.Count == FailAt
                ? throw new InvalidOperationException("the durable client is down")
                : Task.CompletedTask;
        }
    }
}

using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Rollouts;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Postgres.Tests.Rollouts;

/// <summary>
/// A rollout's dry run over stored tickets: each preview is what <c>simulate</c> says for the ticket's history with
/// the definitions event appended, nothing is written, and only the tenant's matching open tickets are looked at.
/// </summary>
public class RolloutPreviewTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday9 = Instant.FromUtc(2026, 6, 8, 13, 0);

    [Fact]
    public async Task Each_preview_is_what_simulate_says_for_the_history_with_the_change_appended_and_nothing_is_written()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var random = new Random(20261202);
        for (var i = 0; i < 40; i++)
        {
            await RandomTickets.StartAsync(sla, SlaHarness.Ticket(tenant, $"T-{i:D2}"), random, Monday9);
        }

        await sla.Definitions.PutPolicyAsync(tenant, "standard", RandomTickets.Version2);
        var at = sla.Clock.GetCurrentInstant();
        var before = await DumpAsync(sla, tenant);

        var page = await Previews(sla)
            .PreviewAsync(tenant, new RolloutPlan(new PolicyRef("standard", 2), at), null, 500);

        Assert.Equal(before, await DumpAsync(sla, tenant));
        var next = await sla.Policies.GetAsync(tenant, new PolicyRef("standard", 2));
        var open = 0;
        for (var i = 0; i < 40; i++)
        {
            var ticket = SlaHarness.Ticket(tenant, $"T-{i:D2}");
            var stored = (await sla.Service.GetSlaAsync(ticket))!;
            var preview = page.Tickets.SingleOrDefault(t => t.TicketId == ticket.TicketId);
            var now = stored.FireDue(at).Sla.StatusAt(at);
            if (
                now.Phases.All(p => p.CompletedAt is not null || p.Outcome == PhaseOutcome.Cancelled) && stored.HasEnded
            )
            {
                Assert.Null(preview);
                continue;
            }

            open++;
            Assert.NotNull(preview);
            var simulated = ScenarioRunner.Run(
                new Scenario(stored.Policy, [.. stored.Events, new TicketDefinitionsChanged(at, next)], at)
            );
            foreach (var phase in preview.Phases.Where(p => p.StateAfter is not null))
            {
                var expected = simulated.Phases.Single(p => p.Phase == phase.Phase && p.Cycle == phase.Cycle);
                Assert.Equal((expected.DueAt, expected.Outcome), (phase.DueAfter, phase.StateAfter));
            }

            var firedBefore = ScenarioRunner.Run(new Scenario(stored.Policy, stored.Events, at)).Notifications;
            Assert.Equal(
                simulated.Notifications.Select(n => n.Slot).Except(firedBefore.Select(n => n.Slot)).ToHashSet(),
                preview.FiresAtChange.Select(n => n.Slot).ToHashSet()
            );
        }

        Assert.Equal(open, page.Summary.Matched);
        Assert.True(open > 10, $"only {open} of 40 tickets were open");
        Assert.Equal(
            page.Summary.Matched,
            page.Summary.Unchanged
                + page.Summary.DueEarlier
                + page.Summary.DueLater
                + page.Summary.NewlyBreached
                + page.Summary.Skipped
        );
        Assert.True(page.Summary.DueEarlier + page.Summary.NewlyBreached > 0, "a shorter P1 target moves something");
    }

    [Fact]
    public async Task Pages_filters_and_tenants_narrow_what_is_listed_but_the_summary_counts_every_match()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var other = await sla.NewTenantAsync();
        foreach (var (id, priority) in new[] { ("A", "P1"), ("B", "P2"), ("C", "P1"), ("D", "P1") })
        {
            await sla.Service.StartAsync(SlaHarness.Ticket(tenant, id), new StartRequest(priority));
            await sla.Service.StartAsync(SlaHarness.Ticket(other, id), new StartRequest(priority));
        }

        await sla.Definitions.PutPolicyAsync(tenant, "standard", RandomTickets.Version2);
        sla.Clock.AdvanceMinutes(10);
        var plan = new RolloutPlan(new PolicyRef("standard", 2), sla.Clock.GetCurrentInstant()) { Priorities = ["P1"] };

        var first = await Previews(sla).PreviewAsync(tenant, plan, null, 2);
        var second = await Previews(sla).PreviewAsync(tenant, plan, first.Next, 2);

        Assert.Equal(["A", "C"], first.Tickets.Select(t => t.TicketId));
        Assert.Equal(["D"], second.Tickets.Select(t => t.TicketId));
        Assert.Null(second.Next);
        Assert.Equal((3, 3), (first.Summary.Matched, second.Summary.Matched));
        // A P1 response target of 30 minutes instead of 60: due at 09:30 instead of 10:00.
        Assert.All(
            first.Tickets,
            t =>
                Assert.Equal(
                    (Monday9 + Duration.FromMinutes(60), Monday9 + Duration.FromMinutes(30)),
                    t.Phases.Where(p => p.Phase == SlaPhase.Response).Select(p => (p.DueBefore, p.DueAfter)).Single()
                )
        );
        var missing = await Assert.ThrowsAsync<InvalidInputException>(() =>
            Previews(sla).PreviewAsync(other, plan, null, 10)
        );
        Assert.Equal("$.version", missing.Path);
        var unknown = await Assert.ThrowsAsync<InvalidInputException>(() =>
            Previews(sla).PreviewAsync(tenant, plan with { Versions = [new PolicyRef("gold", 1)] }, null, 10)
        );
        Assert.Equal("$.policyId", unknown.Path);
    }

    [Fact]
    public async Task Every_ticket_is_listed_once_across_pages_a_skipped_one_is_selected_by_state_and_a_paused_one_by_time_left()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        foreach (var id in new[] { "a", "B", "c", "D" })
        {
            await sla.Service.StartAsync(SlaHarness.Ticket(tenant, id), new StartRequest(id == "D" ? "P2" : "P1"));
        }

        sla.Clock.AdvanceMinutes(10);
        await sla.Service.ApplyAsync(
            SlaHarness.Ticket(tenant, "c"),
            new TicketStatusChanged(sla.Clock.GetCurrentInstant(), "awaiting_client")
        );
        // Version 2 has no P2: ticket D is skipped.
        await sla.Definitions.PutPolicyAsync(
            tenant,
            "standard",
            """{ "calendar": "ny", "targets": { "P1": { "responseMinutes": 30, "resolutionMinutes": 240 } } }"""
        );
        sla.Clock.AdvanceMinutes(5);
        var plan = new RolloutPlan(new PolicyRef("standard", 2), sla.Clock.GetCurrentInstant())
        {
            States = [PhaseOutcome.Running],
        };

        var listed = new List<TicketPreview>();
        string? cursor = null;
        do
        {
            var page = await Previews(sla).PreviewAsync(tenant, plan, cursor, 1);
            listed.AddRange(page.Tickets);
            cursor = page.Next;
        } while (cursor is not null);
        var paused = await Previews(sla).PreviewAsync(tenant, plan with { States = [PhaseOutcome.Paused] }, null, 10);

        Assert.Equal(["B", "D", "a"], listed.Select(t => t.TicketId).Order(StringComparer.Ordinal));
        Assert.Equal(RolloutEffect.Skipped, listed.Single(t => t.TicketId == "D").Effect);
        var c = Assert.Single(paused.Tickets);
        Assert.Equal(("c", RolloutEffect.DueEarlier), (c.TicketId, c.Effect));
        var response = c.Phases.Single(p => p.Phase == SlaPhase.Response);
        Assert.Equal((Duration.FromMinutes(50), Duration.FromMinutes(20)), (response.LeftBefore, response.LeftAfter));
    }

    private static RolloutPreviews Previews(SlaHarness sla) => new(sla.DataSource, sla.Definitions, sla.Policies);

    private static async Task<string> DumpAsync(SlaHarness sla, string tenant)
    {
        await using var command = sla.DataSource.CreateCommand(
            "select coalesce(string_agg(ticket_id || ':' || version || ':' || md5(snapshot::text), ',' order by ticket_id), '') from ticket_slas where tenant_id = $1"
        );
        command.Parameters.Add(new() { Value = tenant });
        return (string)(await command.ExecuteScalarAsync())!;
    }
}

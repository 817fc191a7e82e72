using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Postgres.Tests.Tickets;

/// <summary>The application service on a real database: one transaction per operation.</summary>
public class SlaServiceTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    // Monday 2026-06-08 09:00 in New York.
    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");

    [Fact]
    public async Task Starting_the_same_sla_twice_is_one_sla()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var ticket = SlaHarness.Ticket(tenant, "T-1");

        var first = await sla.Service.StartAsync(ticket, new StartRequest("P1"));
        var second = await sla.Service.StartAsync(ticket, new StartRequest("P2"));

        Assert.Equal(EventEffect.Applied, first.Effect);
        Assert.Equal(EventEffect.Duplicate, second.Effect);
        Assert.Equal("P1", second.Status.Priority);
        Assert.Equal(1, await sla.CountAsync("select count(*) from ticket_slas where tenant_id = $1", tenant));
    }

    [Fact]
    public async Task A_start_in_the_past_fires_what_is_already_due_once_with_its_original_due_instant()
    {
        var sla = new SlaHarness(database.DataSource, Monday9 + Duration.FromMinutes(50));
        var tenant = await sla.NewTenantAsync();

        var started = await sla.Service.StartAsync(
            SlaHarness.Ticket(tenant, "T-1"),
            new StartRequest("P1", CreatedAt: Monday9)
        );

        Assert.Equal([30, 42, 45], started.Fired.Select(n => (int)(n.DueAt - Monday9).TotalMinutes));
        var stored = await sla.NotificationsAsync(tenant);
        Assert.Equal(3, stored.Count);
        Assert.All(stored, n => Assert.Equal(sla.Clock.GetCurrentInstant(), n.FiredAt));
        Assert.Equal(
            3 * sla.Options.Sinks.Count,
            await sla.CountAsync("select count(*) from outbox where tenant_id = $1", tenant)
        );
    }

    [Fact]
    public async Task Events_apply_in_one_transaction_each_with_an_audit_row()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var ticket = SlaHarness.Ticket(tenant, "T-1");
        await sla.Service.StartAsync(ticket, new StartRequest("P1"));

        sla.Clock.AdvanceMinutes(20);
        await sla.Service.ApplyAsync(ticket, new TicketStatusChanged(sla.Clock.GetCurrentInstant(), "awaiting_client"));
        sla.Clock.AdvanceMinutes(60);
        await sla.Service.ApplyAsync(ticket, new TicketStatusChanged(sla.Clock.GetCurrentInstant(), "open"));
        sla.Clock.AdvanceMinutes(10);
        var responded = await sla.Service.ApplyAsync(ticket, new TicketResponded(sla.Clock.GetCurrentInstant()));

        var response = responded.Status.Phases.Single(p => p.Phase == Core.Policies.SlaPhase.Response);
        Assert.Equal(PhaseOutcome.Met, response.Outcome);
        Assert.Equal(Duration.FromMinutes(30), response.Elapsed);
        Assert.Equal(Duration.FromMinutes(60), response.Paused);
        Assert.Equal(
            4,
            await sla.CountAsync("select count(*) from audit_log where tenant_id = $1 and ticket_id = 'T-1'", tenant)
        );
        Assert.Equal("met", await Scalar(sla, "select response_outcome from ticket_slas where tenant_id = $1", tenant));
    }

    [Fact]
    public async Task Two_events_at_a_threshold_instant_both_apply_before_that_threshold()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var ticket = SlaHarness.Ticket(tenant, "T-1");
        await sla.Service.StartAsync(ticket, new StartRequest("P1"));
        var dueAt = Monday9 + Duration.FromHours(1);
        sla.Clock.Reset(dueAt);

        // A pause exactly at the due instant, then the response with the same instant in a second request:
        // the response counts as at the due instant (met), so the breach must not have gone out in between.
        await sla.Service.ApplyAsync(ticket, new TicketPaused(dueAt, "vendor"));
        var responded = await sla.Service.ApplyAsync(ticket, new TicketResponded(dueAt));
        await SlaHarness.DrainAsync(sla.Engine());

        Assert.Equal(PhaseOutcome.Met, responded.Status.Phases[0].Outcome);
        Assert.DoesNotContain(await sla.NotificationsAsync(tenant), n => n.Phase == "response" && n.Kind == "breach");
    }

    [Fact]
    public async Task An_event_with_an_id_already_applied_is_applied_once()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var ticket = SlaHarness.Ticket(tenant, "T-1");
        await sla.Service.StartAsync(ticket, new StartRequest("P1"));
        sla.Clock.AdvanceMinutes(5);
        var pause = new TicketPaused(sla.Clock.GetCurrentInstant(), "vendor") { Id = "evt-7" };

        var first = await sla.Service.ApplyAsync(ticket, pause);
        var again = await sla.Service.ApplyAsync(ticket, pause);

        Assert.Equal(EventEffect.Applied, first.Effect);
        Assert.Equal(EventEffect.Duplicate, again.Effect);
        Assert.Equal(
            2,
            await sla.CountAsync(
                "select jsonb_array_length(snapshot->'events') from ticket_slas where tenant_id = $1",
                tenant
            )
        );
    }

    [Fact]
    public async Task Concurrent_events_on_one_ticket_are_all_applied()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var ticket = SlaHarness.Ticket(tenant, "T-1");
        await sla.Service.StartAsync(ticket, new StartRequest("P1"));
        sla.Clock.AdvanceMinutes(10); // each pause, dated in the first minute, is within the late-event tolerance

        await Task.WhenAll(
            Enumerable
                .Range(0, 40)
                .Select(i =>
                    Task.Run(() =>
                        sla.Service.ApplyAsync(
                            ticket,
                            new TicketPaused(Monday9 + Duration.FromSeconds(i), $"reason-{i}") { Id = $"e{i}" }
                        )
                    )
                )
        );

        Assert.Equal(
            41,
            await sla.CountAsync(
                "select jsonb_array_length(snapshot->'events') from ticket_slas where tenant_id = $1",
                tenant
            )
        );
        Assert.Equal(41, await sla.CountAsync("select version from ticket_slas where tenant_id = $1", tenant));
    }

    [Fact]
    public async Task Bad_commands_are_refused_naming_the_field()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var ticket = SlaHarness.Ticket(tenant, "T-1");

        Assert.Equal(
            "priority",
            (
                await Assert.ThrowsAsync<InvalidInputException>(() =>
                    sla.Service.StartAsync(ticket, new StartRequest("P9"))
                )
            ).Path
        );
        Assert.Equal(
            "policyId",
            (
                await Assert.ThrowsAsync<InvalidInputException>(() =>
                    sla.Service.StartAsync(ticket, new StartRequest("P1", PolicyId: "gold"))
                )
            ).Path
        );
        Assert.Equal(
            "createdAt",
            (
                await Assert.ThrowsAsync<InvalidInputException>(() =>
                    sla.Service.StartAsync(ticket, new StartRequest("P1", CreatedAt: Monday9 + Duration.FromHours(1)))
                )
            ).Path
        );
        await Assert.ThrowsAsync<SlaNotFoundException>(() =>
            sla.Service.ApplyAsync(ticket, new TicketResponded(Monday9))
        );
        await sla.Service.StartAsync(ticket, new StartRequest("P1"));
        Assert.Equal(
            "at",
            (
                await Assert.ThrowsAsync<InvalidInputException>(() =>
                    sla.Service.ApplyAsync(ticket, new TicketResponded(Monday9 + Duration.FromHours(2)))
                )
            ).Path
        );
        Assert.Equal(
            "at",
            (
                await Assert.ThrowsAsync<InvalidInputException>(() =>
                    sla.Service.ApplyAsync(ticket, new TicketResponded(Monday9 - Duration.FromHours(2)))
                )
            ).Path
        );
        Assert.Equal(
            "priority",
            (
                await Assert.ThrowsAsync<InvalidInputException>(() =>
                    sla.Service.ApplyAsync(ticket, new TicketPriorityChanged(Monday9, "P7"))
                )
            ).Path
        );
        Assert.Equal(1, await sla.CountAsync("select version from ticket_slas where tenant_id = $1", tenant));
    }

    [Fact]
    public async Task A_start_without_a_policy_takes_the_clients_then_the_boards_then_the_tenant_default()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        await sla.Definitions.PutPolicyAsync(
            tenant,
            "gold",
            SlaHarness.Standard.Replace("\"responseMinutes\": 60", "\"responseMinutes\": 15", StringComparison.Ordinal)
        );
        await sla.Definitions.PutPolicyAsync(
            tenant,
            "silver",
            SlaHarness.Standard.Replace("\"responseMinutes\": 60", "\"responseMinutes\": 30", StringComparison.Ordinal)
        );
        await sla.Definitions.AssignAsync(tenant, AssignmentScope.Client, "acme", "gold");
        await sla.Definitions.AssignAsync(tenant, AssignmentScope.Board, "helpdesk", "silver");

        async Task<double> ResponseMinutes(string ticket, string? client, string? board) =>
            (
                await sla.Service.StartAsync(
                    SlaHarness.Ticket(tenant, ticket),
                    new StartRequest("P1", ClientId: client, BoardId: board)
                )
            )
                .Status
                .Phases[0]
                .Target
                .TotalMinutes;

        Assert.Equal(15, await ResponseMinutes("T-1", "acme", "helpdesk"));
        Assert.Equal(30, await ResponseMinutes("T-2", "globex", "helpdesk"));
        Assert.Equal(60, await ResponseMinutes("T-3", "globex", "projects"));
        await sla.Definitions.SetDefaultPolicyAsync(tenant, null);
        Assert.Equal(
            "policyId",
            (await Assert.ThrowsAsync<InvalidInputException>(() => ResponseMinutes("T-4", null, null))).Path
        );
    }

    [Fact]
    public async Task Changing_a_calendar_gives_new_tickets_the_new_hours_and_leaves_running_ones_on_theirs()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var before = await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-1"), new StartRequest("P1"));

        var version = await sla.Definitions.PutCalendarAsync(
            tenant,
            "ny",
            SlaHarness.NewYorkWeekdays.Replace("\"09:00\"", "\"10:00\"", StringComparison.Ordinal)
        );
        var unchanged = await sla.Definitions.PutCalendarAsync(
            tenant,
            "ny",
            SlaHarness.NewYorkWeekdays.Replace("\"09:00\"", "\"10:00\"", StringComparison.Ordinal)
        );
        var after = await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-2"), new StartRequest("P1"));

        Assert.Equal(2, version);
        Assert.Equal(2, unchanged);
        Assert.Equal(Monday9 + Duration.FromHours(1), before.Status.Phases[0].DueAt);
        Assert.Equal(Monday9 + Duration.FromHours(2), after.Status.Phases[0].DueAt);
        Assert.Equal(
            Monday9 + Duration.FromHours(1),
            (await sla.Service.GetStatusAsync(SlaHarness.Ticket(tenant, "T-1")))!.Phases[0].DueAt
        );
        Assert.Equal([1, 2], await Versions(sla, tenant));
    }

    private static async Task<List<int>> Versions(SlaHarness sla, string tenant)
    {
        await using var connection = await sla.DataSource.OpenConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select policy_version from ticket_slas where tenant_id = $1 order by ticket_id",
            connection
        )
        {
            Parameters = { new() { Value = tenant } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task<object?> Scalar(SlaHarness sla, string sql, string tenant)
    {
        await using var connection = await sla.DataSource.OpenConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection)
        {
            Parameters = { new() { Value = tenant } },
        };
        return await command.ExecuteScalarAsync();
    }
}

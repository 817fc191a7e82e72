using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Queries;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Postgres.Tests.Queries;

/// <summary>Rows stored before migration 0007 get the projections a write would have given them.</summary>
public class ProjectionBackfillTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Projections = """
        ticket_created_at, response_target, response_completed_at, response_stopped_at, response_elapsed, resolution_target,
        resolution_completed_at, resolution_stopped_at, resolution_elapsed, open_due_at, breach_at, projected
        """;

    [Fact]
    public async Task The_backfill_fills_unprojected_rows_as_the_writers_do_and_leaves_nothing_behind()
    {
        var sla = new SlaHarness(database.DataSource, QueryData.Monday9);
        var tenant = await sla.NewTenantAsync();
        for (var i = 0; i < 7; i++)
        {
            await sla.Service.StartAsync(
                SlaHarness.Ticket(tenant, $"T-{i}"),
                new StartRequest(i % 2 == 0 ? "P1" : "P2")
            );
            sla.Clock.AdvanceMinutes(10);
        }

        await sla.Service.ApplyAsync(
            SlaHarness.Ticket(tenant, "T-1"),
            new TicketResponded(sla.Clock.GetCurrentInstant())
        );
        await sla.Service.ApplyAsync(
            SlaHarness.Ticket(tenant, "T-2"),
            new TicketCancelled(sla.Clock.GetCurrentInstant())
        );
        sla.Clock.AdvanceMinutes(90);
        await sla.Service.ApplyAsync(
            SlaHarness.Ticket(tenant, "T-3"),
            new TicketResolved(sla.Clock.GetCurrentInstant())
        );
        var written = await ProjectionsAsync(sla, tenant);
        await Execute(
            sla,
            $"""
            update ticket_slas set ticket_created_at = null, response_target = null, response_completed_at = null, response_stopped_at = null,
                response_elapsed = null, resolution_target = null, resolution_completed_at = null, resolution_stopped_at = null,
                resolution_elapsed = null, open_due_at = null, breach_at = null, projected = 0
            where tenant_id = '{tenant}'
            """
        );

        var filled = await ProjectionBackfill.RunAsync(
            database.DataSource,
            sla.Policies,
            sla.Clock.GetCurrentInstant()
        );

        Assert.True(filled >= 7);
        Assert.Equal(written, await ProjectionsAsync(sla, tenant));
        Assert.Equal(0, await sla.CountAsync("select count(*) from ticket_slas where projected = 0"));
        Assert.Equal(
            0,
            await ProjectionBackfill.RunAsync(database.DataSource, sla.Policies, sla.Clock.GetCurrentInstant())
        );
    }

    private static async Task<List<string>> ProjectionsAsync(SlaHarness sla, string tenant)
    {
        await using var command = sla.DataSource.CreateCommand(
            $"select ticket_id || ' ' || row({Projections})::text from ticket_slas where tenant_id = $1 order by ticket_id"
        );
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tenant });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    private static async Task Execute(SlaHarness sla, string sql)
    {
        await using var command = sla.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}

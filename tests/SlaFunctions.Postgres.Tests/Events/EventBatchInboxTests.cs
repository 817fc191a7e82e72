using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Events;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Postgres.Tests.Events;

/// <summary>An event batch cut short: what a ticket stored has its inbox rows, and nothing else is marked.</summary>
public class EventBatchInboxTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday10 = Instant.FromUtc(2026, 6, 8, 14, 0);

    [Fact]
    public async Task A_batch_that_fails_midway_leaves_the_events_already_stored_marked_processed_and_the_rest_not()
    {
        var sla = new SlaHarness(database.DataSource, Monday10);
        var tenant = await sla.NewTenantAsync();
        var ingestion = sla.Ingestion();
        // Every event is dated within the late-event tolerance of the clock, so none is refused as too late.
        await ingestion.IngestBatchAsync([
            Created(tenant, "old-1", "T-OLD", "2026-06-08T13:50:00Z"),
            Created(tenant, "fail-1", "T-FAIL", "2026-06-08T13:50:00Z"),
        ]);

        // The crash: the store of ticket T-FAIL fails after T-NEW and T-OLD committed theirs.
        var trigger = "fail_" + tenant.Replace('-', '_');
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await new NpgsqlCommand(
                $$"""
                create function {{trigger}}() returns trigger language plpgsql as $$
                begin if new.ticket_id = 'T-FAIL' then raise exception 'killed mid-batch'; end if; return new; end $$;
                create trigger {{trigger}} before insert or update on ticket_slas for each row execute function {{trigger}}();
                """,
                connection
            ).ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<PostgresException>(() =>
            ingestion.IngestBatchAsync([
                Created(tenant, "new-1", "T-NEW", "2026-06-08T13:50:00Z"),
                Status(tenant, "new-2", "T-NEW", "2026-06-08T13:52:00Z", "awaiting_client"),
                Status(tenant, "old-2", "T-OLD", "2026-06-08T13:54:00Z", "awaiting_client"),
                Status(tenant, "fail-2", "T-FAIL", "2026-06-08T13:56:00Z", "awaiting_client"),
            ])
        );

        Assert.Equal(["fail-1", "new-1", "new-2", "old-1", "old-2"], await ProcessedAsync(tenant));
        Assert.Equal(
            1,
            await sla.CountAsync(
                "select count(*) from ticket_slas where tenant_id = $1 and ticket_id = 'T-OLD' and snapshot::text like '%old-2%'",
                tenant
            )
        );
        Assert.Equal(
            0,
            await sla.CountAsync(
                "select count(*) from ticket_slas where tenant_id = $1 and ticket_id = 'T-FAIL' and snapshot::text like '%fail-2%'",
                tenant
            )
        );
    }

    private static EventEnvelope Created(string tenant, string id, string ticket, string at) =>
        Envelope(
            tenant,
            id,
            "TICKET_CREATED",
            at,
            $$"""{ "ticketId": "{{ticket}}", "priority": "P1", "policyId": "standard" }"""
        );

    private static EventEnvelope Status(string tenant, string id, string ticket, string at, string status) =>
        Envelope(
            tenant,
            id,
            "TICKET_STATUS_CHANGED",
            at,
            $$"""{ "ticketId": "{{ticket}}", "newStatus": "{{status}}" }"""
        );

    private static EventEnvelope Envelope(string tenant, string id, string type, string at, string payload) =>
        EventEnvelopeJson.Read(
            $$"""{ "eventId": "{{id}}", "eventType": "{{type}}", "tenantId": "{{tenant}}", "occurredAt": "{{at}}", "payload": {{payload}} }"""
        );

    private async Task<List<string>> ProcessedAsync(string tenant)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "select event_id from processed_events where tenant_id = $1 order by event_id",
            connection
        )
        {
            Parameters = { new() { Value = tenant } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}

using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Postgres.Tests.Events;

/// <summary>Filing a dead letter frees its event id, unless the id is what is at fault.</summary>
public class DeadLettersTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday10 = Instant.FromUtc(2026, 6, 8, 14, 0);

    [Theory]
    [InlineData(DeadLetterReason.ParkingExpired, 0L)]
    [InlineData(DeadLetterReason.InvalidEvent, 0L)]
    [InlineData(DeadLetterReason.ReusedEventId, 1L)]
    public async Task A_dead_letter_frees_its_event_id_unless_the_id_was_reused(string reason, long left)
    {
        var sla = new SlaHarness(database.DataSource, Monday10);
        var tenant = await sla.NewTenantAsync();
        var envelope = EventEnvelopeJson.Read(
            $$"""
            { "eventId": "e-1", "eventType": "TICKET_STATUS_CHANGED", "tenantId": "{{tenant}}",
              "occurredAt": "2026-06-08T13:00:00Z", "payload": { "ticketId": "T-1", "newStatus": "open" } }
            """
        );
        await new EventInbox(database.DataSource, sla.Clock).MarkProcessedAsync(envelope);

        await sla.DeadLetters().RecordAsync(new DeadLetterRequest(tenant, "e-1", reason, "$: why", null));

        Assert.Equal(
            left,
            await sla.CountAsync(
                "select count(*) from processed_events where tenant_id = $1 and event_id = 'e-1'",
                tenant
            )
        );
        Assert.Equal(
            1L,
            await sla.CountAsync("select count(*) from dead_letters where tenant_id = $1 and event_id = 'e-1'", tenant)
        );
    }
}

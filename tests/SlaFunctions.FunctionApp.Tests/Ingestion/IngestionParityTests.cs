using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Durable.Correlation;
using SlaFunctions.FunctionApp.Tests.Engine;
using SlaFunctions.FunctionApp.Tests.Support;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.FunctionApp.Tests.Ingestion;

/// <summary>
/// The same events through both backends' ingestion, each the one the hosts build over the one
/// <see cref="EventIngestion"/>: the polling backend on PostgreSQL, the durable one with its orchestrations on the real
/// engine and its correlation entity run by the isolated worker's entity runner (<see cref="EntityRunner"/>).
/// Each case ends in the same state on both; the answers differ only where docs/events.md says (an event handed to
/// an entity is <c>accepted</c>, not yet known to be applied or parked).
/// </summary>
public sealed class IngestionParityTests : IClassFixture<InMemoryEngine>, IDisposable
{
    private readonly InMemoryEngine engine;
    private readonly FakeClock entityClock = new(SystemClock.Instance.GetCurrentInstant());
    private readonly IHost entityHost;
    private readonly EntityRunner entities;
    private readonly SlaHarness polling;
    private readonly string run = $"{Guid.NewGuid():N}"[..8];

    public IngestionParityTests(InMemoryEngine engine)
    {
        this.engine = engine;
        entityHost = AppHost.Build(SlaBackend.Durable, engine.DataSource.ConnectionString, entityClock);
        entities = new EntityRunner(entityHost.Services, engine.Client);
        polling = new SlaHarness(engine.DataSource, EngineFixture.Now());
        Polling = polling.Ingestion();
        var deadLetters = new PostgresDeadLetters(
            engine.DataSource,
            SystemClock.Instance,
            NullLogger<PostgresDeadLetters>.Instance
        );
        Durable = new EventIngestion(
            new EventRouter(EventSettings.Default),
            new EventInbox(engine.DataSource, SystemClock.Instance),
            deadLetters,
            new EntityEventDelivery(entities.Client),
            engine.Service
        );
    }

    private IEventIngestion Polling { get; }

    private IEventIngestion Durable { get; }

    public void Dispose()
    {
        entities.Dispose();
        entityHost.Dispose();
    }

    [Fact]
    public async Task An_event_before_its_ticket_waits_and_applies_when_the_ticket_starts()
    {
        var created = EngineFixture.Now() - Duration.FromSeconds(30);

        var answers = await BothAsync(
            async (ingestion, side) =>
                new[]
                {
                    (
                        await ingestion.IngestAsync(
                            Status(side, "e-pause", "T-1", created + Duration.FromSeconds(10), "awaiting_client")
                        )
                    ).Status,
                    (await ingestion.IngestAsync(Created(side, "e-created", "T-1", created))).Status,
                }
        );
        var events = await BothAsync((_, side) => EventsEventuallyAsync(Ticket(side, "T-1"), 2));

        Assert.Equal([IngestStatus.Parked, IngestStatus.Applied], answers.Polling);
        Assert.Equal([IngestStatus.Accepted, IngestStatus.Applied], answers.Durable);
        Assert.Equal(Shape(events.Polling), Shape(events.Durable));
        Assert.Contains(events.Durable, e => e is TicketStatusChanged { Status: "awaiting_client" });
    }

    [Fact]
    public async Task An_event_its_sla_refuses_is_dead_lettered_with_the_refusal_and_changes_nothing()
    {
        var created = EngineFixture.Now() - Duration.FromSeconds(30);

        await BothAsync(
            async (ingestion, side) => await ingestion.IngestAsync(Created(side, "e-created", "T-2", created))
        );
        await BothAsync((_, side) => EventsEventuallyAsync(Ticket(side, "T-2"), 1));
        var answers = await BothAsync(
            async (ingestion, side) =>
                (
                    await ingestion.IngestAsync(Priority(side, "e-p9", "T-2", created + Duration.FromSeconds(5), "P9"))
                ).Status
        );
        var letters = await BothAsync((_, side) => LetterEventuallyAsync(side, Id(side, "e-p9")));
        var events = await BothAsync((_, side) => EventsEventuallyAsync(Ticket(side, "T-2"), 1));

        Assert.Equal(IngestStatus.DeadLettered, answers.Polling);
        Assert.Equal(IngestStatus.Accepted, answers.Durable);
        Assert.Equal(DeadLetterReason.InvalidEvent, letters.Polling.Reason);
        Assert.Equal(
            (letters.Polling.Reason, letters.Polling.Description),
            (letters.Durable.Reason, letters.Durable.Description)
        );
        Assert.Equal(Shape(events.Polling), Shape(events.Durable));
    }

    [Fact]
    public async Task An_event_older_than_the_tolerance_and_before_what_was_acted_on_is_dead_lettered_too_late_and_audited()
    {
        // Every threshold of the one-minute targets fired at the start; the status is dated before the breach.
        var created = EngineFixture.Now() - Duration.FromMinutes(30);

        await BothAsync(
            async (ingestion, side) => await ingestion.IngestAsync(Created(side, "e-created", "T-4", created))
        );
        await BothAsync((_, side) => EventsEventuallyAsync(Ticket(side, "T-4"), 1));
        await BothAsync(
            async (ingestion, side) =>
                await ingestion.IngestAsync(
                    Status(side, "e-late", "T-4", created + Duration.FromSeconds(30), "awaiting_client")
                )
        );
        var letters = await BothAsync((_, side) => LetterEventuallyAsync(side, Id(side, "e-late")));
        var events = await BothAsync((_, side) => EventsEventuallyAsync(Ticket(side, "T-4"), 1));
        var audited = await BothAsync(
            async (_, side) =>
            {
                await using var count = engine.DataSource.CreateCommand(
                    "select count(*) from audit_log where tenant_id = $1 and ticket_id = $2 and action = 'too_late'"
                );
                count.Parameters.Add(new() { Value = engine.Tenant });
                count.Parameters.Add(new() { Value = Ticket(side, "T-4").TicketId });
                return (long)(await count.ExecuteScalarAsync())!;
            }
        );

        Assert.Equal(
            (DeadLetterReason.TooLate, DeadLetterReason.TooLate),
            (letters.Polling.Reason, letters.Durable.Reason)
        );
        Assert.Equal(Shape(events.Polling), Shape(events.Durable));
        Assert.Equal((1L, 1L), audited);
    }

    [Fact]
    public async Task A_parked_event_that_expires_is_dead_lettered_and_its_id_is_free_again()
    {
        var at = EngineFixture.Now();
        var window = EventSettings.Default.ParkingWindow + Duration.FromMinutes(1);

        await BothAsync(
            async (ingestion, side) => await ingestion.IngestAsync(Status(side, "e-orphan", "T-3", at, "in_progress"))
        );
        polling.Clock.Advance(window);
        await polling.Parking().ExpireParkedAsync();
        entityClock.Advance(window);
        await entities.ExpireAllAsync(entityHost.Services, engine.Client);
        var letters = await BothAsync((_, side) => LetterEventuallyAsync(side, Id(side, "e-orphan")));
        var again = await BothAsync(
            async (ingestion, side) =>
                (await ingestion.IngestAsync(Status(side, "e-orphan", "T-3", at, "in_progress"))).Status
        );

        Assert.Equal(DeadLetterReason.ParkingExpired, letters.Polling.Reason);
        Assert.Equal(DeadLetterReason.ParkingExpired, letters.Durable.Reason);
        // Sent again, it is handled afresh, not answered as a duplicate of the expired one.
        Assert.Equal(IngestStatus.Parked, again.Polling);
        Assert.Equal(IngestStatus.Accepted, again.Durable);
    }

    private async Task<(T Polling, T Durable)> BothAsync<T>(Func<IEventIngestion, string, Task<T>> step) =>
        (await step(Polling, "poll"), await step(Durable, "dur"));

    private TicketKey Ticket(string side, string id) => new(engine.Tenant, $"{side}-{run}-{id}");

    private string Id(string side, string id) => $"{side}-{run}-{id}";

    private static List<string> Shape(ImmutableArray<TicketEvent> events) =>
        [.. events.Select(e => $"{e.GetType().Name}@{e.At}")];

    private async Task<ImmutableArray<TicketEvent>> EventsEventuallyAsync(TicketKey ticket, int count)
    {
        var events = ImmutableArray<TicketEvent>.Empty;
        await Eventually.HoldsAsync(
            () => $"{ticket.TicketId} has {count} events: [{string.Join(", ", events)}]",
            async () => (events = await engine.EventsAsync(ticket)).Length == count
        );
        return events;
    }

    private async Task<(string Reason, string Description)> LetterEventuallyAsync(string side, string eventId)
    {
        (string, string)? letter = null;
        await Eventually.HoldsAsync(
            $"{side}: {eventId} dead-lettered",
            async () =>
            {
                await using var connection = await engine.DataSource.OpenConnectionAsync();
                await using var select = new NpgsqlCommand(
                    "select reason, description from dead_letters where tenant_id = $1 and event_id = $2",
                    connection
                )
                {
                    Parameters =
                    {
                        new() { Value = engine.Tenant },
                        new() { Value = eventId },
                    },
                };
                await using var reader = await select.ExecuteReaderAsync();
                letter = await reader.ReadAsync() ? (reader.GetString(0), reader.GetString(1)) : null;
                return letter is not null;
            }
        );
        return letter!.Value;
    }

    private EventEnvelope Created(string side, string id, string ticket, Instant at) =>
        Envelope(
            side,
            id,
            "TICKET_CREATED",
            at,
            $$"""{ "ticketId": "{{Ticket(side, ticket).TicketId}}", "priority": "P1" }"""
        );

    private EventEnvelope Status(string side, string id, string ticket, Instant at, string status) =>
        Envelope(
            side,
            id,
            "TICKET_STATUS_CHANGED",
            at,
            $$"""{ "ticketId": "{{Ticket(side, ticket).TicketId}}", "newStatus": "{{status}}" }"""
        );

    private EventEnvelope Priority(string side, string id, string ticket, Instant at, string priority) =>
        Envelope(
            side,
            id,
            "TICKET_PRIORITY_CHANGED",
            at,
            $$"""{ "ticketId": "{{Ticket(side, ticket).TicketId}}", "priority": "{{priority}}" }"""
        );

    private EventEnvelope Envelope(string side, string id, string type, Instant at, string payload) =>
        EventEnvelopeJson.Read(
            $$"""
            { "eventId": "{{Id(
                side,
                id
            )}}", "eventType": "{{type}}", "tenantId": "{{engine.Tenant}}", "occurredAt": "{{at}}", "payload": {{payload}} }
            """
        );
}

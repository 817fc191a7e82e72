using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using NodaTime;
using NodaTime.Testing;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Durable;
using SlaFunctions.Durable.Correlation;
using SlaFunctions.Durable.Messages;
using SlaFunctions.FunctionApp.Tests.Support;
using SlaFunctions.FunctionApp.Triggers;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.FunctionApp.Tests.Messages;

/// <summary>
/// Each row of docs/functions.md's "Service Bus settlement" table: a message built with ServiceBusModelFactory,
/// through <see cref="DomainEventProcessor"/> and the app's real ingestion against PostgreSQL, checking the
/// settlement, the dead_letters row and its audit entry.
/// </summary>
public sealed class SettlementTests : IAsyncLifetime, IDisposable
{
    // Monday 2026-06-08 10:00 in New York.
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 8, 14, 0);

    private readonly DatabaseFixture database = new();
    private readonly RecordingSettler settler = new();
    private readonly Mock<DurableTaskClient> client = new("test");
    private readonly Mock<DurableEntityClient> entities = new("test");
    private IHost? host;

    public SettlementTests() => client.SetupGet(c => c.Entities).Returns(entities.Object);

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        host = AppHost.Build(SlaBackend.Polling, database.ConnectionString, new FakeClock(Now));
        await host.Services.GetRequiredService<TenantStore>().AddAsync("acme", "Acme");
        var definitions = host.Services.GetRequiredService<DefinitionStore>();
        await definitions.PutCalendarAsync("acme", "ny", SlaHarness.NewYorkWeekdays);
        await definitions.PutPolicyAsync("acme", "standard", SlaHarness.Standard);
        await definitions.SetDefaultPolicyAsync("acme", "standard");
        await HandleAsync(Envelope("e-start", "TICKET_CREATED", """{ "ticketId": "T-1", "priority": "P1" }"""));
        settler.Calls.Clear();
    }

    [Theory]
    [InlineData("applied", "TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "newStatus": "in_progress" }""")]
    [InlineData("parked", "TICKET_STATUS_CHANGED", """{ "ticketId": "T-9", "newStatus": "in_progress" }""")]
    [InlineData(
        "ignored",
        "TICKET_COMMENT_ADDED",
        """{ "ticketId": "T-1", "isPublic": false, "authorType": "agent" }"""
    )]
    public async Task A_used_event_is_completed(string outcome, string type, string payload)
    {
        var settlement = await HandleAsync(Envelope("e-1", type, payload));

        Assert.IsType<CompleteMessage>(settlement);
        Assert.Equal(["complete"], settler.Calls);
        Assert.Empty(await DeadLettersAsync());
        Assert.Equal(outcome == "parked" ? 1 : 0, await CountAsync("select count(*) from parked_events"));
    }

    [Fact]
    public async Task A_duplicate_is_completed_and_used_once()
    {
        var message = Envelope(
            "e-1",
            "TICKET_STATUS_CHANGED",
            """{ "ticketId": "T-1", "newStatus": "awaiting_client" }"""
        );
        await HandleAsync(message);

        await HandleAsync(message);

        Assert.Equal(["complete", "complete"], settler.Calls);
        Assert.Equal(1, await CountAsync("select count(*) from processed_events where event_id = 'e-1'"));
    }

    public static TheoryData<string, string, string?, string> Rejected() =>
        new()
        {
            { "not JSON", "hello", null, DeadLetterReason.InvalidEnvelope },
            {
                "no eventType",
                """{ "eventId": "e-1", "tenantId": "acme", "occurredAt": "2026-06-08T13:00:00Z", "payload": {} }""",
                null,
                DeadLetterReason.InvalidEnvelope
            },
            {
                "CloudEvent without id",
                """{ "specversion": "1.0", "source": "/x", "type": "TICKET_CREATED", "tenantid": "acme", "data": {} }""",
                null,
                DeadLetterReason.InvalidEnvelope
            },
            {
                "invalid CorrelationId",
                Envelope("e-1", "TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "newStatus": "x" }"""),
                new string('k', 300),
                DeadLetterReason.InvalidEnvelope
            },
            { "unknown type", Envelope("e-1", "TICKET_TELEPORTED", "{}"), null, DeadLetterReason.UnknownEventType },
            {
                "invalid event",
                Envelope("e-1", "TICKET_PRIORITY_CHANGED", """{ "ticketId": "T-1", "priority": 7 }"""),
                null,
                DeadLetterReason.InvalidEvent
            },
            {
                "no correlation key",
                Envelope("e-1", "TICKET_STATUS_CHANGED", """{ "newStatus": "open" }"""),
                null,
                DeadLetterReason.CorrelationUnresolved
            },
        };

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task A_message_that_cannot_be_used_is_dead_lettered_with_its_reason_a_row_and_an_audit_entry(
        string name,
        string body,
        string? correlationId,
        string reason
    )
    {
        var settlement = Assert.IsType<DeadLetterMessage>(await HandleAsync(body, correlationId));

        Assert.Equal(reason, settlement.Reason);
        Assert.Equal([$"dead-letter {reason}: {settlement.Description}"], settler.Calls);
        Assert.Matches("^[^ :]+: .+", settlement.Description);
        var row = Assert.Single(await DeadLettersAsync());
        Assert.Equal((reason, settlement.Description), (row.Reason, row.Description));
        // The original text where it is no envelope, else the envelope as read: the same JSON either way.
        Assert.True(
            row.Payload == body || JsonNode.DeepEquals(JsonNode.Parse(row.Payload), JsonNode.Parse(body)),
            row.Payload
        );
        Assert.Equal(
            1,
            await CountAsync(
                $"select count(*) from audit_log where action = 'dead_lettered' and detail->>'reason' = '{reason}'"
            )
        );
        _ = name; // the case's name, for the runner's report
    }

    [Fact]
    public async Task A_transient_failure_is_abandoned_and_nothing_is_filed()
    {
        // The database is reachable but refuses for a while: PostgreSQL's "cannot connect now" is transient.
        await ExecuteAsync(
            """
            create function refuse_events() returns trigger language plpgsql as $$ begin raise exception using errcode = '57P03', message = 'starting up'; end $$;
            create trigger refuse_events before insert on processed_events for each row execute function refuse_events();
            """
        );

        var settlement = await HandleAsync(
            Envelope("e-1", "TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "newStatus": "in_progress" }""")
        );

        Assert.IsType<AbandonMessage>(settlement);
        Assert.Equal(["abandon"], settler.Calls);
        Assert.Empty(await DeadLettersAsync());
    }

    [Fact]
    public async Task A_failure_a_retry_cannot_cure_is_dead_lettered_at_once_with_a_row_and_an_audit_entry()
    {
        await ExecuteAsync(
            """
            create function break_tickets() returns trigger language plpgsql as $$ begin raise exception 'a bug'; end $$;
            create trigger break_tickets before update on ticket_slas for each row execute function break_tickets();
            """
        );
        var body = Envelope("e-1", "TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "newStatus": "in_progress" }""");

        var settlement = Assert.IsType<DeadLetterMessage>(await HandleAsync(body));

        Assert.Equal(MessageSettlement.ProcessingFailed, settlement.Reason);
        Assert.Contains("a bug", settlement.Description, StringComparison.Ordinal);
        Assert.Equal([$"dead-letter {MessageSettlement.ProcessingFailed}: {settlement.Description}"], settler.Calls);
        var row = Assert.Single(await DeadLettersAsync());
        Assert.Equal(MessageSettlement.ProcessingFailed, row.Reason);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(row.Payload), JsonNode.Parse(body)), row.Payload);
        Assert.Equal(
            1,
            await CountAsync(
                $"select count(*) from audit_log where action = 'dead_lettered' and detail->>'reason' = '{MessageSettlement.ProcessingFailed}'"
            )
        );
    }

    [Fact]
    public async Task On_the_durable_backend_an_event_handed_to_its_entity_is_completed()
    {
        var settlement = await HandleAsync(
            Envelope("e-1", "TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "newStatus": "in_progress" }"""),
            durable: true
        );

        Assert.IsType<CompleteMessage>(settlement);
        Assert.Equal(["complete"], settler.Calls);
        entities.Verify(
            e =>
                e.SignalEntityAsync(
                    CorrelationEntity.Id("acme", "T-1"),
                    nameof(CorrelationEntity.Receive),
                    It.IsAny<object?>(),
                    It.IsAny<SignalEntityOptions?>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
    }

    [Fact]
    public async Task On_the_durable_backend_Durable_s_RPC_unavailable_is_abandoned()
    {
        entities
            .Setup(e =>
                e.SignalEntityAsync(
                    It.IsAny<EntityInstanceId>(),
                    It.IsAny<string>(),
                    It.IsAny<object?>(),
                    It.IsAny<SignalEntityOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "the host is restarting")));

        var settlement = await HandleAsync(
            Envelope("e-1", "TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "newStatus": "in_progress" }"""),
            durable: true
        );

        Assert.IsType<AbandonMessage>(settlement);
        Assert.Equal(["abandon"], settler.Calls);
        Assert.Empty(await DeadLettersAsync());
    }

    public void Dispose() => host?.Dispose();

    public Task DisposeAsync() => database.DisposeAsync();

    private async Task<MessageSettlement> HandleAsync(string body, string? correlationId = null, bool durable = false)
    {
        using var durableHost = durable
            ? AppHost.Build(SlaBackend.Durable, database.ConnectionString, new FakeClock(Now))
            : null;
        var services = (durableHost ?? host!).Services;
        var message = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(body),
            messageId: "m-1",
            correlationId: correlationId,
            deliveryCount: 1
        );
        // As the trigger does: the backend's ingestion around the invocation's Durable client.
        var ingestion = services.GetRequiredService<DurableBackend>().Ingestion(client.Object);
        return await services
            .GetRequiredService<DomainEventProcessor>()
            .HandleAsync(message.ToDomainEvent(), settler, ingestion, CancellationToken.None);
    }

    private static string Envelope(string id, string type, string payload) =>
        $$"""{ "eventId": "{{id}}", "eventType": "{{type}}", "tenantId": "acme", "occurredAt": "2026-06-08T13:30:00Z", "payload": {{payload}} }""";

    private async Task<List<(string Reason, string Description, string Payload)>> DeadLettersAsync()
    {
        await using var command = database.DataSource.CreateCommand(
            "select reason, description, payload from dead_letters order by dead_letter_id"
        );
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}

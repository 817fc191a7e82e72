using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;
using SlaFunctions.Durable.Messages;
using SlaFunctions.Durable.Notifications;
using SlaFunctions.Testing.Events;

namespace SlaFunctions.Durable.Tests.Messages;

/// <summary>How the Service Bus trigger reads a message and settles it.</summary>
public class MessageSettlementTests
{
    [Theory]
    [InlineData(IngestStatus.Applied)]
    [InlineData(IngestStatus.Duplicate)]
    [InlineData(IngestStatus.Parked)]
    [InlineData(IngestStatus.Accepted)]
    [InlineData(IngestStatus.Ignored)]
    public void A_used_event_is_completed(IngestStatus status) =>
        Assert.Same(MessageSettlement.Complete, MessageSettlement.For(new IngestResult(status, "why")));

    [Fact]
    public void A_dead_lettered_event_is_dead_lettered_with_its_reason_and_the_path_at_fault()
    {
        var result = IngestResult.DeadLettered(
            new Rejection(DeadLetterReason.CorrelationUnresolved, "$.payload.ticketId", "no correlation key: none")
        );

        Assert.Equal(
            new DeadLetterMessage(
                DeadLetterReason.CorrelationUnresolved,
                "$.payload.ticketId: no correlation key: none"
            ),
            MessageSettlement.For(result)
        );
    }

    [Fact]
    public void An_unreadable_body_is_dead_lettered_as_an_invalid_envelope()
    {
        var message = ServiceBusEvent.Read(Samples.Edit(Samples.Plain, "occurredAt=\"yesterday\""), null, null);

        var settlement = Assert.IsType<DeadLetterMessage>(MessageSettlement.For(message.Rejection!));
        Assert.Equal(DeadLetterReason.InvalidEnvelope, settlement.Reason);
        Assert.StartsWith("$.occurredAt: ", settlement.Description, StringComparison.Ordinal);
        Assert.Equal("acme", message.TenantId);
        Assert.Equal("evt-1001", message.EventId);
    }

    [Theory]
    [InlineData(true, typeof(AbandonMessage))]
    [InlineData(false, typeof(DeadLetterMessage))]
    public void A_transient_failure_is_abandoned_and_any_other_is_dead_lettered(bool transient, Type expected)
    {
        var settlement = MessageSettlement.ForFailure(transient, "boom");

        Assert.IsType(expected, settlement);
        if (settlement is DeadLetterMessage letter)
        {
            Assert.Equal(MessageSettlement.ProcessingFailed, letter.Reason);
        }
    }

    [Fact]
    public void Dead_letter_texts_stay_within_the_broker_limits()
    {
        var letter = new DeadLetterMessage(new string('r', 5000), new string('d', 5000));

        Assert.Equal(DeadLetterMessage.MaxLength, letter.ReasonText.Length);
        Assert.Equal(DeadLetterMessage.MaxLength, letter.DescriptionText.Length);
    }

    [Fact]
    public void The_correlation_id_wins_over_the_application_property_and_the_envelope()
    {
        var properties = new Dictionary<string, object> { ["correlationKey"] = 4711 };

        Assert.Equal("crm-9", ServiceBusEvent.Read(Samples.Plain, "crm-9", properties).TransportKey);
        Assert.Equal("4711", ServiceBusEvent.Read(Samples.Plain, null, properties).TransportKey);
        Assert.Null(ServiceBusEvent.Read(Samples.Plain, " ", null).TransportKey);
    }

    [Fact]
    public void Plain_envelopes_and_cloud_events_read_alike()
    {
        var plain = ServiceBusEvent.Read(Samples.Plain, null, null);
        var cloud = ServiceBusEvent.Read(Samples.CloudEvent, null, null);

        Assert.Equal(
            ("evt-1001", "TICKET_STATUS_CHANGED", "acme"),
            (plain.Envelope!.EventId, plain.Envelope.EventType, plain.TenantId)
        );
        Assert.Equal(
            ("evt-2002", "TICKET_PRIORITY_CHANGED", "acme"),
            (cloud.Envelope!.EventId, cloud.Envelope.EventType, cloud.TenantId)
        );
        Assert.Null(plain.Rejection);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"tenantId\": 7}")]
    public void A_body_without_a_readable_tenant_is_filed_under_the_unknown_tenant(string body)
    {
        var message = ServiceBusEvent.Read(body, null, null);

        Assert.Equal(ServiceBusEvent.UnknownTenant, message.TenantId);
        Assert.Equal(DeadLetterReason.InvalidEnvelope, message.Rejection!.Reason);
    }
}

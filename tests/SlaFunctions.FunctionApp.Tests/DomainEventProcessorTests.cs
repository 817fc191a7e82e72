using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Npgsql;
using SlaFunctions.Core.Durable;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tests.Events;
using SlaFunctions.FunctionApp.Triggers;

namespace SlaFunctions.FunctionApp.Tests;

/// <summary>Settlement at the trigger boundary: complete, dead-letter with reason and description, or abandon.</summary>
public class DomainEventProcessorTests
{
    private readonly Mock<IMessageSettler> settler = new(MockBehavior.Strict);
    private readonly Mock<IEventIngestion> ingestion = new(MockBehavior.Strict);
    private readonly DomainEventProcessor handler = new(NullLogger<DomainEventProcessor>.Instance);

    public DomainEventProcessorTests()
    {
        settler.Setup(a => a.CompleteAsync(It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        settler.Setup(a => a.AbandonAsync(It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        settler.Setup(a => a.DeadLetterAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
    }

    [Theory]
    [InlineData(IngestStatus.Applied)]
    [InlineData(IngestStatus.Duplicate)]
    [InlineData(IngestStatus.Parked)]
    [InlineData(IngestStatus.Ignored)]
    public async Task A_used_event_is_completed_and_its_explicit_key_is_the_correlation_id(IngestStatus status)
    {
        var message = Message(Samples.Plain, correlationId: "crm-9");
        ingestion.Setup(i => i.IngestAsync(It.Is<EventEnvelope>(e => e.EventId == "evt-1001"), "crm-9", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IngestResult(status));

        await handler.HandleAsync(message, settler.Object, ingestion.Object, CancellationToken.None);

        settler.Verify(a => a.CompleteAsync(It.IsAny<CancellationToken>()), Times.Once);
        settler.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task An_event_the_ingestion_dead_lettered_is_dead_lettered_with_its_reason()
    {
        var message = Message(Samples.Plain);
        ingestion.Setup(i => i.IngestAsync(It.IsAny<EventEnvelope>(), null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IngestResult(IngestStatus.DeadLettered, "UnknownEventType: 'X' is not mapped", "$.eventType"));

        await handler.HandleAsync(message, settler.Object, ingestion.Object, CancellationToken.None);

        settler.Verify(a => a.DeadLetterAsync(DeadLetterReason.UnknownEventType, "$.eventType: 'X' is not mapped", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task An_unreadable_body_is_filed_and_dead_lettered_as_an_invalid_envelope()
    {
        var body = Samples.Edit(Samples.Plain, "payload=[]");
        var message = Message(body);
        ingestion.Setup(i => i.DeadLetterAsync("acme", "evt-1001", DeadLetterReason.InvalidEnvelope, It.Is<string>(d => d.StartsWith("$.payload: ", StringComparison.Ordinal)), body, It.IsAny<CancellationToken>()))
            .Returns(Task.CompletedTask);

        var settlement = await handler.HandleAsync(message, settler.Object, ingestion.Object, CancellationToken.None);

        Assert.Equal(DeadLetterReason.InvalidEnvelope, Assert.IsType<DeadLetterMessage>(settlement).Reason);
        ingestion.VerifyAll();
        settler.Verify(a => a.DeadLetterAsync(DeadLetterReason.InvalidEnvelope, It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_transient_failure_is_abandoned_for_redelivery()
    {
        var message = Message(Samples.Plain);
        ingestion.Setup(i => i.IngestAsync(It.IsAny<EventEnvelope>(), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NpgsqlException("connection refused", new IOException("refused")));

        Assert.IsType<AbandonMessage>(await handler.HandleAsync(message, settler.Object, ingestion.Object, CancellationToken.None));
        settler.Verify(a => a.AbandonAsync(It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_failure_a_retry_cannot_cure_is_filed_and_dead_lettered_at_once()
    {
        var message = Message(Samples.Plain);
        ingestion.Setup(i => i.IngestAsync(It.IsAny<EventEnvelope>(), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("a bug"));
        ingestion.Setup(i => i.DeadLetterAsync("acme", "evt-1001", MessageSettlement.ProcessingFailed, "InvalidOperationException: a bug", Samples.Plain, It.IsAny<CancellationToken>()))
            .Returns(Task.CompletedTask);

        await handler.HandleAsync(message, settler.Object, ingestion.Object, CancellationToken.None);

        ingestion.VerifyAll();
        settler.Verify(a => a.DeadLetterAsync(MessageSettlement.ProcessingFailed, "InvalidOperationException: a bug", It.IsAny<CancellationToken>()), Times.Once);
    }

    private static ServiceBusReceivedMessage Message(string body, string? correlationId = null) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString(body), messageId: "m-1", correlationId: correlationId, deliveryCount: 1);
}

using Microsoft.Extensions.Logging;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Durable.Messages;

/// <summary>
/// One message of <c>sla-domain-events</c>: read (<see cref="ServiceBusEvent"/>), handed to the backend's ingestion,
/// and settled by
/// <see cref="MessageSettlement"/>. Whatever is dead-lettered is also filed in the dead-letter table with an
/// audit entry (by the ingestion, or here when the body is unreadable or processing failed for good).
/// </summary>
public sealed class DomainEventProcessor(TransientFailures failures, ILogger<DomainEventProcessor> logger)
{
    public async Task<MessageSettlement> HandleAsync(
        DomainEventMessage message,
        IMessageSettler settler,
        IEventIngestion ingestion,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settler);
        ArgumentNullException.ThrowIfNull(ingestion);
        var body = message.Body;
        var read = ServiceBusEvent.Read(body, message.CorrelationId, message.ApplicationProperties);
        var settlement = await DecideAsync(read, body, ingestion, cancellationToken);
        switch (settlement)
        {
            case DeadLetterMessage letter:
                logger.LogWarning(
                    "Dead-lettering message {MessageId} (event {EventId}): {Reason}: {Description}",
                    message.MessageId,
                    read.EventId,
                    letter.Reason,
                    letter.Description
                );
                await settler.DeadLetterAsync(letter.ReasonText, letter.DescriptionText, cancellationToken);
                break;
            case AbandonMessage abandon:
                logger.LogWarning(
                    "Abandoning message {MessageId} (delivery {DeliveryCount}) for redelivery: {Error}",
                    message.MessageId,
                    message.DeliveryCount,
                    abandon.Error
                );
                await settler.AbandonAsync(cancellationToken);
                break;
            default:
                await settler.CompleteAsync(cancellationToken);
                break;
        }

        return settlement;
    }

    private async Task<MessageSettlement> DecideAsync(
        ServiceBusEvent read,
        string body,
        IEventIngestion ingestion,
        CancellationToken cancellationToken
    )
    {
        try
        {
            if (read.Rejection is { } rejection)
            {
                await ingestion.DeadLetterAsync(
                    new(read.TenantId, read.EventId, rejection.Reason, rejection.Description, body),
                    cancellationToken
                );
                return MessageSettlement.For(rejection);
            }

            return MessageSettlement.For(
                await ingestion.IngestAsync(read.Envelope!, read.TransportKey, cancellationToken)
            );
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var transient = failures.IsTransient(e);
            var error = $"{e.GetType().Name}: {e.Message}";
            if (!transient)
            {
                logger.LogError(
                    e,
                    "Processing event {EventId} of tenant {TenantId} failed",
                    read.EventId,
                    read.TenantId
                );
                try
                {
                    await ingestion.DeadLetterAsync(
                        new(read.TenantId, read.EventId, MessageSettlement.ProcessingFailed, error, body),
                        cancellationToken
                    );
                }
                catch (Exception recording) when (failures.IsTransient(recording))
                {
                    return MessageSettlement.ForFailure(
                        transient: true,
                        $"{error}; recording the dead letter failed too: {recording.Message}"
                    );
                }
            }

            return MessageSettlement.ForFailure(transient, error);
        }
    }
}

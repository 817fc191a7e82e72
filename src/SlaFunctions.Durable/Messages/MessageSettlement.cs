using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Durable.Messages;

/// <summary>How the Service Bus trigger settles a message: one of complete, dead-letter or abandon.</summary>
public abstract record MessageSettlement
{
    /// <summary>
    /// The dead-letter reason of a message whose processing failed for a reason a retry will not cure.
    /// </summary>
    public const string ProcessingFailed = nameof(ProcessingFailed);

    private protected MessageSettlement() { }

    public static MessageSettlement Complete { get; } = new CompleteMessage();

    /// <summary>
    /// Dead-lettered with the event's rejection, or else used up: applied, accepted, parked, ignored, or a duplicate.
    /// </summary>
    public static MessageSettlement For(IngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status != IngestStatus.DeadLettered
            ? Complete
            : For(
                result.Rejection
                    ?? throw new ArgumentException("A dead-lettered result carries its rejection.", nameof(result))
            );
    }

    /// <summary>
    /// The event was refused, or the body is not an envelope, or the message's correlation key is invalid.
    /// </summary>
    public static MessageSettlement For(Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new DeadLetterMessage(rejection.Reason, rejection.Description);
    }

    /// <summary>
    /// Processing threw. A transient failure (the database, the network, Durable's RPC unavailable) is abandoned
    /// for redelivery; the queue's max delivery count bounds the retries. Anything else will fail the same way
    /// again, so the message is dead-lettered at once with the error, where an operator can resubmit it.
    /// </summary>
    public static MessageSettlement ForFailure(bool transient, string error) =>
        transient ? new AbandonMessage(error) : new DeadLetterMessage(ProcessingFailed, error);
}

public sealed record CompleteMessage : MessageSettlement;

/// <summary>
/// Dead-letter with the reason (a <see cref="DeadLetterReason"/> or <see cref="MessageSettlement.ProcessingFailed"/>)
/// and a description.
/// </summary>
public sealed record DeadLetterMessage(string Reason, string Description) : MessageSettlement
{
    /// <summary>Service Bus caps the reason and the description at 4 KB each; keep well under.</summary>
    public const int MaxLength = 1024;

    public string ReasonText => Reason.Length <= MaxLength ? Reason : Reason[..MaxLength];

    public string DescriptionText => Description.Length <= MaxLength ? Description : Description[..MaxLength];
}

public sealed record AbandonMessage(string Error) : MessageSettlement;

using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Durable.Messages;

/// <summary>How the Service Bus trigger settles a message: one of complete, dead-letter or abandon.</summary>
public abstract record MessageSettlement
{
    /// <summary>The dead-letter reason of a message whose processing failed for a reason a retry will not cure.</summary>
    public const string ProcessingFailed = nameof(ProcessingFailed);

    private protected MessageSettlement()
    {
    }

    public static MessageSettlement Complete { get; } = new CompleteMessage();

    /// <summary>The message was used up: applied, parked, ignored, or a duplicate of one that was.</summary>
    public static MessageSettlement For(IngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status == IngestStatus.DeadLettered ? DeadLetterFor(result) : Complete;
    }

    /// <summary>The body is not an envelope (plain or CloudEvents) or the message's correlation key is invalid.</summary>
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

    /// <summary>
    /// <see cref="IngestResult.Reason"/> of a dead-lettered event is <c>{DeadLetterReason}: {problem}</c> (<see cref="IngestResult.DeadLettered"/>) and its
    /// field the JSON path: the message gets the reason and <c>{path}: {problem}</c> like the dead-letter row.
    /// </summary>
    private static DeadLetterMessage DeadLetterFor(IngestResult result)
    {
        var text = result.Reason ?? string.Empty;
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        var (reason, problem) = colon > 0 ? (text[..colon], text[(colon + 2)..]) : (DeadLetterReason.InvalidEvent, text);
        return new DeadLetterMessage(reason, result.Field is { } field ? $"{field}: {problem}" : problem);
    }
}

public sealed record CompleteMessage : MessageSettlement;

/// <summary>Dead-letter with the reason (a <see cref="DeadLetterReason"/> or <see cref="MessageSettlement.ProcessingFailed"/>) and a description.</summary>
public sealed record DeadLetterMessage(string Reason, string Description) : MessageSettlement
{
    /// <summary>Service Bus caps the reason and the description at 4 KB each; keep well under.</summary>
    public const int MaxLength = 1024;

    public string ReasonText => Reason.Length <= MaxLength ? Reason : Reason[..MaxLength];

    public string DescriptionText => Description.Length <= MaxLength ? Description : Description[..MaxLength];
}

public sealed record AbandonMessage(string Error) : MessageSettlement;

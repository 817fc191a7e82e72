namespace SlaFunctions.Durable.Messages;

/// <summary>
/// Settles the one Service Bus message being processed. The trigger adapts the extension's
/// <c>ServiceBusMessageActions</c> to it, so the processor and its tests need no extension type.
/// </summary>
public interface IMessageSettler
{
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Back to the queue for redelivery (the queue's max delivery count bounds the retries).</summary>
    Task AbandonAsync(CancellationToken cancellationToken);

    Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken);
}

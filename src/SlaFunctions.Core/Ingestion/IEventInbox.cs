using SlaFunctions.Core.Events;

namespace SlaFunctions.Core.Ingestion;

/// <summary>The event ids already used, with the content each was used with.</summary>
public interface IEventInbox
{
    /// <summary>Whether the event's id was processed, and if so whether this is a retry of the same content.</summary>
    Task<(bool Processed, bool IsRetry)> LookUpAsync(
        EventEnvelope envelope,
        CancellationToken cancellationToken = default
    );

    Task MarkProcessedAsync(EventEnvelope envelope, CancellationToken cancellationToken = default);
}

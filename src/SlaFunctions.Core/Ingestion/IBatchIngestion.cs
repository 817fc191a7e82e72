using System.Collections.Immutable;
using SlaFunctions.Core.Events;

namespace SlaFunctions.Core.Ingestion;

/// <summary>
/// A backend's way to take a batch of events in fewer transactions than one by one, with the outcome of taking
/// them one by one through <see cref="EventIngestion"/>.
/// </summary>
public interface IBatchIngestion
{
    Task<ImmutableArray<IngestResult>> IngestBatchAsync(
        IReadOnlyList<EventEnvelope> envelopes,
        CancellationToken cancellationToken = default
    );
}

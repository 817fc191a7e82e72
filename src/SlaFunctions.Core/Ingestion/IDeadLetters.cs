using System.Collections.Immutable;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Core.Ingestion;

/// <summary>
/// Input that could not be used, filed with its reason and original text (and an audit entry). Filing a letter
/// frees its event id, unless the id is at fault (<see cref="Events.DeadLetterReason.ReusedEventId"/>): the same
/// id sent again, corrected, is handled afresh.
/// </summary>
public interface IDeadLetters
{
    Task RecordAsync(DeadLetterRequest letter, CancellationToken cancellationToken = default);

    Task<ImmutableArray<DeadLetter>> ListAsync(
        string tenantId,
        long? after,
        int limit,
        CancellationToken cancellationToken = default
    );
}

using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Core.Ingestion;

/// <summary>
/// Domain events in (SPEC §5): applied once by event id, routed by correlation key, parked when no SLA has
/// started for the key yet, dead-lettered with a reason when they cannot be used.
/// </summary>
public interface IEventIngestion
{
    /// <param name="transportKey">The message's explicit correlation key from the transport, if any.</param>
    Task<IngestResult> IngestAsync(
        EventEnvelope envelope,
        string? transportKey = null,
        CancellationToken cancellationToken = default
    );

    /// <summary>
    /// A batch of events, with a result per event in the same order. The outcome is that of ingesting them one
    /// by one; a backend may do it in fewer transactions (<see cref="IBatchIngestion"/>).
    /// </summary>
    Task<ImmutableArray<IngestResult>> IngestBatchAsync(
        IReadOnlyList<EventEnvelope> envelopes,
        CancellationToken cancellationToken = default
    );

    /// <summary>
    /// Records input that could not be used, with the reason and the original text, in the audit log too.
    /// </summary>
    Task DeadLetterAsync(DeadLetterRequest letter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes a ticket whose SLA has started to its keys; what was parked there is applied to it, in order.
    /// </summary>
    Task SubscribeAsync(
        TicketKey ticket,
        IEnumerable<string> correlationKeys,
        CancellationToken cancellationToken = default
    );

    Task<ImmutableArray<DeadLetter>> ListDeadLettersAsync(
        string tenantId,
        long? after,
        int limit,
        CancellationToken cancellationToken = default
    );
}

public enum IngestStatus
{
    /// <summary>Applied to the SLAs of the tickets subscribed to its key.</summary>
    Applied,

    Duplicate,

    /// <summary>No SLA has started for its key yet: it waits, and applies when one does.</summary>
    Parked,

    /// <summary>
    /// Handed, durably, to its correlation key on the durable backend, which applies it to the key's tickets or
    /// parks it; which of the two is the key's entity's to know, after this answer.
    /// </summary>
    Accepted,

    Ignored,
    DeadLettered,
}

/// <summary>What became of one event; <see cref="Reason"/> says why when it was not applied.</summary>
public sealed record IngestResult(IngestStatus Status, string? Reason = null, string? Field = null)
{
    public ImmutableArray<string> Tickets { get; init; } = [];

    /// <summary>Why it was dead-lettered: the reason, the path at fault and the problem.</summary>
    public Rejection? Rejection { get; init; }

    /// <summary>
    /// Whether the event's id is now used up, so that the same id answers <c>duplicate</c>: only an applied,
    /// accepted or parked event. A dead-lettered or ignored one changed nothing, and the same id sent again,
    /// corrected, is handled afresh.
    /// </summary>
    public bool UsesEventId => Status is IngestStatus.Applied or IngestStatus.Accepted or IngestStatus.Parked;

    /// <summary>
    /// Dead-lettered: the reason is <c>{DeadLetterReason}: {problem}</c>, the field the JSON path at fault.
    /// </summary>
    public static IngestResult DeadLettered(Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new(IngestStatus.DeadLettered, $"{rejection.Reason}: {rejection.Problem}", rejection.Path)
        {
            Rejection = rejection,
        };
    }
}

public sealed record DeadLetter(
    long Id,
    string? EventId,
    string Reason,
    string Description,
    string? Payload,
    Instant At
);

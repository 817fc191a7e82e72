using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Events;

namespace SlaFunctions.Core.Service;

/// <summary>
/// Domain events in (SPEC §5): applied once by event id, routed by correlation key, parked when no SLA has
/// started for the key yet, dead-lettered with a reason when they cannot be used.
/// </summary>
public interface IEventIngestion
{
    /// <param name="transportKey">The message's explicit correlation key from the transport, if any.</param>
    Task<IngestResult> IngestAsync(EventEnvelope envelope, string? transportKey = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// A batch of events, with a result per event in the same order. The outcome is that of ingesting them one
    /// by one; a store may do it in fewer transactions.
    /// </summary>
    async Task<ImmutableArray<IngestResult>> IngestBatchAsync(IReadOnlyList<EventEnvelope> envelopes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        var results = ImmutableArray.CreateBuilder<IngestResult>(envelopes.Count);
        foreach (var envelope in envelopes)
        {
            results.Add(await IngestAsync(envelope, null, cancellationToken));
        }

        return results.MoveToImmutable();
    }

    /// <summary>Records input that could not be used, with the reason and the original text, in the audit log too.</summary>
    Task DeadLetterAsync(string tenantId, string? eventId, string reason, string description, string? payload, CancellationToken cancellationToken = default);

    /// <summary>Applies, in order, the events parked under the ticket's keys once its SLA has started.</summary>
    Task DrainParkedAsync(TicketKey ticket, IEnumerable<string> correlationKeys, CancellationToken cancellationToken = default);

    Task<ImmutableArray<DeadLetter>> ListDeadLettersAsync(string tenantId, long? after, int limit, CancellationToken cancellationToken = default);
}

public enum IngestStatus
{
    Applied,
    Duplicate,
    Parked,
    Ignored,
    DeadLettered,
}

/// <summary>What became of one event; <see cref="Reason"/> says why when it was not applied.</summary>
public sealed record IngestResult(IngestStatus Status, string? Reason = null, string? Field = null)
{
    public ImmutableArray<string> Tickets { get; init; } = [];

    /// <summary>
    /// Whether the event's id is now used up, so that the same id answers <c>duplicate</c>: only an applied or
    /// parked event. A dead-lettered or ignored one changed nothing, and the same id sent again, corrected, is
    /// handled afresh.
    /// </summary>
    public bool UsesEventId => Status is IngestStatus.Applied or IngestStatus.Parked;

    /// <summary>Dead-lettered: the reason is <c>{DeadLetterReason}: {problem}</c>, the field the JSON path at fault.</summary>
    public static IngestResult DeadLettered(Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new(IngestStatus.DeadLettered, $"{rejection.Reason}: {rejection.Problem}", rejection.Path);
    }
}

public sealed record DeadLetter(long Id, string? EventId, string Reason, string Description, string? Payload, Instant At);

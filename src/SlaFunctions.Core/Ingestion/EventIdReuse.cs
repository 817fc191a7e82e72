using SlaFunctions.Core.Events;

namespace SlaFunctions.Core.Ingestion;

/// <summary>
/// What an event whose id was already used answers, for both hosts' inboxes: a duplicate when its content is
/// the same as the first one's (or the first one's digest is not known), else dead-lettered as
/// <see cref="DeadLetterReason.ReusedEventId"/>, changing nothing.
/// </summary>
public static class EventIdReuse
{
    public static bool IsRetry(string? storedDigest, EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return storedDigest is null || storedDigest == envelope.ContentDigest();
    }

    public static Rejection Rejection(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return new(
            DeadLetterReason.ReusedEventId,
            "$.eventId",
            $"'{Json.JsonInput.Truncate(envelope.EventId)}' was already used by an event with different content; send it with a new id"
        );
    }

    public static IngestResult Duplicate { get; } =
        new(IngestStatus.Duplicate, "an event with this id was already processed");
}

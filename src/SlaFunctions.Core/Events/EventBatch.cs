using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Events;

/// <summary>
/// One item of a batch: its envelope, or why it was refused (with a path under <c>$[i]</c>) with the item's
/// JSON as it came and its event id when one can be made out, for the dead-letters.
/// </summary>
internal sealed record BatchItem
{
    private BatchItem(int index, EventEnvelope? envelope, Rejection? rejection, string? eventId, string? payload)
    {
        Index = index;
        Envelope = envelope;
        Rejection = rejection;
        EventId = eventId;
        Payload = payload;
    }

    public int Index { get; }

    /// <summary>
    /// The item's JSON path, <c>$[i]</c>, for placing later rejections (<see cref="Rejection.Under"/>).
    /// </summary>
    public string Path => $"$[{Index}]";

    public EventEnvelope? Envelope { get; }

    public Rejection? Rejection { get; }

    public string? EventId { get; }

    /// <summary>A refused item's JSON as it came; null for an accepted one.</summary>
    public string? Payload { get; }

    [MemberNotNullWhen(true, nameof(Envelope))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsAccepted => Envelope is not null;

    public static BatchItem Accepted(int index, EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return new(index, envelope, null, envelope.EventId, null);
    }

    public static BatchItem Rejected(int index, Rejection rejection, string? eventId, string payload)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        ArgumentNullException.ThrowIfNull(payload);
        return new(index, null, rejection, eventId, payload);
    }
}

/// <summary>
/// A batch of domain events for <c>POST /api/tenants/{tenant}/events</c>: a JSON array of 1 to 500
/// envelopes. A bad item is refused on its own (reason <see cref="DeadLetterReason.InvalidEnvelope"/>) and
/// does not sink the others; only a body that is not such an array is refused as a whole.
/// </summary>
internal static class EventBatch
{
    public const int MaxEvents = 500;

    /// <exception cref="InvalidInputException">The body is not a JSON array of 1 to 500 items.</exception>
    public static ImmutableArray<BatchItem> Read(string json, string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return JsonInput.Read(json, input => Read(input, tenantId), requireSound: false);
    }

    public static ImmutableArray<BatchItem> Read(JsonInput input, string tenantId)
    {
        var items = input.Items();
        var count = input.Element.GetArrayLength();
        if (count is 0 or > MaxEvents)
        {
            throw input.Error($"must hold 1 to {MaxEvents} events (got {count})");
        }

        return [.. items.Select((item, i) => ReadItem(item, i, tenantId))];
    }

    private static BatchItem ReadItem(JsonInput item, int index, string tenantId)
    {
        try
        {
            item.RequireSound();
            var envelope = EventEnvelopeJson.Read(item);
            return envelope.TenantId == tenantId
                ? BatchItem.Accepted(index, envelope)
                : Rejected(
                    item,
                    index,
                    new Rejection(
                        DeadLetterReason.InvalidEnvelope,
                        $"{item.Path}.{EventEnvelopeJson.TenantProperty(item)}",
                        $"is tenant '{JsonInput.Truncate(envelope.TenantId)}', not the route's tenant '{JsonInput.Truncate(tenantId)}'"
                    )
                );
        }
        catch (InvalidInputException e)
        {
            return Rejected(item, index, Rejection.From(DeadLetterReason.InvalidEnvelope, e));
        }
    }

    private static BatchItem Rejected(JsonInput item, int index, Rejection rejection) =>
        BatchItem.Rejected(index, rejection, EventIdOf(item), item.Element.GetRawText());

    /// <summary>The id of an item that is not a valid envelope, when it has a usable one.</summary>
    private static string? EventIdOf(JsonInput item)
    {
        if (item.Element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            var id = item.Optional("eventId") ?? item.Optional("id");
            id?.RequireSound();
            return id is { } value ? EventEnvelopeJson.ReadId(value) : null;
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }
}

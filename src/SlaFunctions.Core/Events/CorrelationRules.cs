using System.Collections.Immutable;
using System.Globalization;

namespace SlaFunctions.Core.Events;

/// <summary>
/// Where to find the correlation key of events whose type matches <see cref="Pattern"/>, tried in order.
/// </summary>
internal sealed record CorrelationRule(EventTypePattern Pattern, ImmutableArray<PayloadPath> Paths);

/// <summary>
/// Resolves an event's correlation key (SPEC §5): the message's explicit key (transport, then envelope),
/// else the first path of the most specific matching rule that holds a non-empty string or an integer.
/// Never the event id.
/// </summary>
public sealed class CorrelationRules
{
    internal CorrelationRules(IEnumerable<CorrelationRule> rules)
    {
        // A stable sort: among equally specific patterns the configured order decides.
        Rules = [.. rules.OrderByDescending(r => r.Pattern.Specificity)];
    }

    /// <summary>Every event type: <c>payload.ticketId</c>.</summary>
    public static CorrelationRules Default { get; } =
        new([new CorrelationRule(EventTypePattern.Parse("*"), [PayloadPath.Parse("payload.ticketId")])]);

    /// <summary>The rules, most specific first.</summary>
    internal ImmutableArray<CorrelationRule> Rules { get; }

    /// <summary>
    /// Service Bus: <c>CorrelationId</c>, else the application property <c>correlationKey</c> (a string or an integer).
    /// </summary>
    public static string? TransportKey(
        string? correlationId,
        IReadOnlyDictionary<string, object>? applicationProperties
    )
    {
        if (!string.IsNullOrWhiteSpace(correlationId))
        {
            return correlationId;
        }

        return applicationProperties?.GetValueOrDefault("correlationKey") switch
        {
            string text when !string.IsNullOrWhiteSpace(text) => text,
            int number => number.ToString(CultureInfo.InvariantCulture),
            long number => number.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    /// <summary>The rules with <paramref name="overrides"/> replacing the rules of the same pattern.</summary>
    internal CorrelationRules With(IEnumerable<CorrelationRule> overrides)
    {
        var replacing = overrides.ToList();
        return new([.. replacing, .. Rules.Where(r => replacing.TrueForAll(o => o.Pattern != r.Pattern))]);
    }

    /// <summary>The paths of the most specific rule matching the event type; empty when none matches.</summary>
    internal ImmutableArray<PayloadPath> PathsFor(string eventType) =>
        Rules.FirstOrDefault(r => r.Pattern.Matches(eventType))?.Paths ?? [];

    /// <summary>The correlation key, or null when it cannot be resolved.</summary>
    /// <param name="transportKey">The message's key from the transport (see <see cref="TransportKey"/>); blank means
    /// none.</param>
    public string? Resolve(EventEnvelope envelope, string? transportKey = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (!string.IsNullOrWhiteSpace(transportKey))
        {
            return transportKey;
        }

        if (envelope.CorrelationKey is { } explicitKey)
        {
            return explicitKey;
        }

        foreach (var path in PathsFor(envelope.EventType))
        {
            if (path.Find(envelope) is { } value && PayloadValue.AsKey(value) is { } key)
            {
                return key;
            }
        }

        return null;
    }
}

using System.Collections.Immutable;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Events;

/// <summary>
/// Turns a domain event into what the hosts do with it, by the configured mapping: start an SLA, apply a
/// ticket event, ignore it, or dead-letter it with a reason. Pure: the same envelope and settings give the
/// same outcome in both hosts. Every command carries Id = eventId (duplicates apply once) and At = occurredAt.
/// </summary>
public sealed class EventRouter(EventSettings settings)
{
    /// <summary>A ticket names at most this many further correlation keys when it is created.</summary>
    public const int MaxCorrelationKeys = 20;

    public EventSettings Settings { get; } = settings ?? throw new ArgumentNullException(nameof(settings));

    /// <summary>
    /// Routes an event. The order of checks: mapped type, the command's fields, its conditions, then the
    /// correlation key; an ignored event needs no key. To deliver a parked event, pass the key it was parked
    /// under as <paramref name="transportKey"/>.
    /// </summary>
    /// <param name="transportKey">The message's explicit key from the transport (<see
    /// cref="CorrelationRules.TransportKey"/>).</param>
    public EventOutcome Route(EventEnvelope envelope, string? transportKey = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (!Settings.Commands.TryGetValue(envelope.EventType, out var rule))
        {
            var known = string.Join(", ", Settings.Commands.Keys.Order(StringComparer.Ordinal));
            return Reject(
                DeadLetterReason.UnknownEventType,
                "$.eventType",
                $"'{envelope.EventType}' is not a mapped event type (mapped: {known})"
            );
        }

        if (rule.Command == CommandKind.Ignore)
        {
            return new IgnoredEvent($"{envelope.EventType} is configured to be ignored");
        }

        try
        {
            if (rule.Command == CommandKind.Start)
            {
                var ticketId = rule.PathOf("ticketId").Required(envelope);
                var ticket = new TicketKey(
                    envelope.TenantId,
                    Identifiers.RequireTicketId(PayloadValue.ReadKey(ticketId), ticketId.Path)
                );
                var request = ReadStart(rule, envelope);
                return Unmet(rule, envelope)
                    ?? Correlate(envelope, transportKey, key => new StartSla(key, ticket, request));
            }

            var ticketEvent = ReadEvent(rule, envelope);
            return Unmet(rule, envelope) ?? Correlate(envelope, transportKey, key => new ApplyEvent(key, ticketEvent));
        }
        catch (InvalidInputException e)
        {
            return new RejectedEvent(Rejection.From(DeadLetterReason.InvalidEvent, e));
        }
    }

    private EventOutcome Correlate(EventEnvelope envelope, string? transportKey, Func<string, EventOutcome> outcome)
    {
        if (!string.IsNullOrWhiteSpace(transportKey) && !PayloadValue.IsId(transportKey))
        {
            return Reject(
                DeadLetterReason.InvalidEnvelope,
                "message.correlationKey",
                $"must be at most {EventEnvelopeJson.MaxIdLength} characters without control characters"
            );
        }

        return Settings.Correlation.Resolve(envelope, transportKey) is { } key ? outcome(key) : Unresolved(envelope);
    }

    private static StartRequest ReadStart(CommandRule rule, EventEnvelope e) =>
        new(
            PayloadValue.ReadKey(rule.PathOf("priority").Required(e)),
            OptionalKey(rule, "policyId", e),
            e.OccurredAt,
            OptionalKey(rule, "clientId", e),
            OptionalKey(rule, "boardId", e)
        )
        {
            CorrelationKeys = ReadKeys(rule.PathOf("correlationKeys").Optional(e)),
            Id = e.EventId,
        };

    private static TicketEvent ReadEvent(CommandRule rule, EventEnvelope e) =>
        CommandRule.EventOf(
            rule.Command,
            e.OccurredAt,
            name => PayloadValue.ReadKey(rule.PathOf(name).Required(e))
        ) with
        {
            Id = e.EventId,
            Digest = e.ContentDigest(),
        };

    /// <summary>The event ignored with the first condition it fails, or null when every condition holds.</summary>
    private static IgnoredEvent? Unmet(CommandRule rule, EventEnvelope e)
    {
        foreach (var condition in rule.When)
        {
            var value = PayloadValue.ReadScalar(condition.Path.Required(e));
            if (!condition.Values.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                return new IgnoredEvent(
                    $"{condition.Path} is '{JsonInput.Truncate(value)}', not one of {string.Join(", ", condition.Values)}"
                );
            }
        }

        return null;
    }

    private static string? OptionalKey(CommandRule rule, string argument, EventEnvelope e) =>
        rule.PathOf(argument).Optional(e) is { } input ? PayloadValue.ReadKey(input) : null;

    private static ImmutableArray<string> ReadKeys(JsonInput? input)
    {
        if (input is not { } list)
        {
            return [];
        }

        var keys = list.Items().Select(PayloadValue.ReadKey).ToImmutableArray();
        return keys.Length <= MaxCorrelationKeys
            ? keys
            : throw list.Error($"must have at most {MaxCorrelationKeys} keys");
    }

    private RejectedEvent Unresolved(EventEnvelope e)
    {
        var paths = Settings.Correlation.PathsFor(e.EventType);
        var tried = paths.IsEmpty
            ? "no path is configured for this event type"
            : $"no string or integer at {string.Join(", ", paths)}";
        return Reject(
            DeadLetterReason.CorrelationUnresolved,
            paths.IsEmpty ? "$.correlationKey" : "$." + paths[0],
            $"no correlation key: the message and the envelope carry none, and {tried}"
        );
    }

    private static RejectedEvent Reject(string reason, string path, string problem) =>
        new(new Rejection(reason, path, problem));
}

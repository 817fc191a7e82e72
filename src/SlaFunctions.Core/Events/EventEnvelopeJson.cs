using System.Text.Json;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Events;

/// <summary>
/// Reads a domain event: the plain envelope (SPEC §5), or a CloudEvents 1.0 structured-mode JSON event,
/// recognised by its <c>specversion</c> attribute and mapped field by field. Every problem names its path.
/// </summary>
/// <remarks>
/// Unknown top-level properties are ignored in both forms: CloudEvents allows extension attributes, and
/// ticket systems add fields to their envelopes over time. Inside the payload only the mapped fields are read.
/// </remarks>
public static class EventEnvelopeJson
{
    internal const int MaxIdLength = 200;

    internal const string SpecVersion = "1.0";

    private const int MaxSourceLength = 2000;

    public static EventEnvelope Read(string json) => JsonInput.Read(json, Read);

    public static EventEnvelope Read(JsonInput input) => IsCloudEvent(input) ? ReadCloudEvent(input) : ReadPlain(input);

    /// <summary>Whether the JSON is a CloudEvent (it has a <c>specversion</c> attribute, whatever its value).</summary>
    internal static bool IsCloudEvent(JsonInput input) =>
        input.Element.ValueKind == JsonValueKind.Object && input.Element.TryGetProperty("specversion", out _);

    /// <summary>The property that holds the tenant in this form of envelope (for errors about the tenant).</summary>
    internal static string TenantProperty(JsonInput input) => IsCloudEvent(input) ? "tenantid" : "tenantId";

    /// <summary>A non-empty string of at most 200 characters without control characters.</summary>
    public static string ReadId(JsonInput input) => input.AsName(MaxIdLength);

    /// <summary>An event type in SCREAMING_SNAKE_CASE, such as TICKET_CREATED.</summary>
    internal static string ReadEventType(JsonInput input)
    {
        var type = ReadId(input);
        return EventTypePattern.IsEventType(type)
            ? type
            : throw input.Error(
                $"must be an event type in SCREAMING_SNAKE_CASE, such as TICKET_CREATED (got '{JsonInput.Truncate(type)}')"
            );
    }

    private static EventEnvelope ReadPlain(JsonInput input) =>
        new(
            ReadId(input.Required("eventId")),
            ReadEventType(input.Required("eventType")),
            ReadId(input.Required("tenantId")),
            input.Required("occurredAt").AsInstant(),
            ReadPayload(input.Required("payload")),
            input.Optional("correlationKey") is { } key ? ReadId(key) : null
        );

    private static EventEnvelope ReadCloudEvent(JsonInput input)
    {
        var version = input.Required("specversion");
        if (version.AsText() != SpecVersion)
        {
            throw version.Error(
                $"CloudEvents version '{JsonInput.Truncate(version.AsText())}' is not supported (expected {SpecVersion})"
            );
        }

        foreach (var (name, value) in input.Properties())
        {
            if (name == "data_base64")
            {
                throw value.Error("binary event data is not supported: send the payload as a JSON object in data");
            }

            if (!IsAttributeName(name))
            {
                throw value.Error(
                    "is not a CloudEvents attribute name (lower-case letters and digits only, for example tenantid)"
                );
            }
        }

        var id = ReadId(input.Required("id"));
        input.Required("source").AsName(MaxSourceLength);
        var type = ReadEventType(input.Required("type"));
        var tenant = ReadId(input.Required("tenantid"));
        var time = input.Required("time").AsInstant();
        _ = input.Optional("subject")?.AsName(MaxSourceLength);
        _ = input.Optional("dataschema")?.AsName(MaxSourceLength);
        if (input.Optional("datacontenttype") is { } contentType && !IsJsonMediaType(contentType.AsText()))
        {
            throw contentType.Error(
                $"must be a JSON media type such as application/json (got '{JsonInput.Truncate(contentType.AsText())}')"
            );
        }

        var data = ReadPayload(input.Required("data"));
        var key = input.Optional("correlationkey") is { } k ? ReadId(k) : null;
        return new EventEnvelope(id, type, tenant, time, data, key);
    }

    private static JsonElement ReadPayload(JsonInput input) =>
        input.Element.ValueKind == JsonValueKind.Object
            ? input.Element
            : throw input.Error($"must be an object (got {input.Element.ValueKind.ToString().ToLowerInvariant()})");

    private static bool IsAttributeName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    private static bool IsJsonMediaType(string mediaType)
    {
        var type = mediaType.Split(';')[0].Trim();
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || (
                type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
                && type.Contains('/', StringComparison.Ordinal)
            );
    }
}

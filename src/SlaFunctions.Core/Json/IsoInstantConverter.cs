using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace SlaFunctions.Core.Json;

/// <summary>
/// Instants as ISO-8601 text whatever the serializer options: Durable entity state is written by the
/// worker's serializer, which need not know NodaTime, and an unconfigured serializer would silently
/// store an <see cref="Instant"/> as an empty object.
/// </summary>
public sealed class IsoInstantConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text =
            reader.TokenType == JsonTokenType.String
                ? reader.GetString()!
                : throw new JsonException("An instant must be a string.");
        var parsed = InstantPattern.ExtendedIso.Parse(text);
        return parsed.Success ? parsed.Value : throw new JsonException($"'{text}' is not an ISO-8601 instant in UTC.");
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
    }
}

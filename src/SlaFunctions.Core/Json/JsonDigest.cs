using System.Security.Cryptography;
using System.Text.Json;

namespace SlaFunctions.Core.Json;

/// <summary>
/// A SHA-256 of JSON content in canonical form (object keys in ordinal order, no whitespace, numbers by value),
/// so that the same content sent again with its keys reordered or reindented has the same digest. Stored next to
/// idempotency keys and event ids to tell a retry from a reuse.
/// </summary>
internal static class JsonDigest
{
    /// <summary>The digest of what <paramref name="write"/> writes; values it copies are written canonically.</summary>
    public static string Of(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            write(json);
        }

        return Convert.ToHexStringLower(SHA256.HashData(stream.ToArray()));
    }

    /// <summary>Writes a value canonically, leaving out the named top-level properties of an object.</summary>
    public static void WriteCanonical(this Utf8JsonWriter json, JsonElement value, params string[] without)
    {
        ArgumentNullException.ThrowIfNull(json);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                json.WriteStartObject();
                foreach (
                    var property in value
                        .EnumerateObject()
                        .Where(p => !without.Contains(p.Name, StringComparer.Ordinal))
                        .OrderBy(p => p.Name, StringComparer.Ordinal)
                )
                {
                    json.WritePropertyName(property.Name);
                    json.WriteCanonical(property.Value);
                }

                json.WriteEndObject();
                break;
            case JsonValueKind.Array:
                json.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    json.WriteCanonical(item);
                }

                json.WriteEndArray();
                break;
            // Numbers by value (1e2 as 100, 1.50 as 1.5), as PostgreSQL's jsonb stores them.
            case JsonValueKind.Number when value.TryGetDecimal(out var number):
                json.WriteNumberValue(number / 1.000000000000000000000000000000000m);
                break;
            case JsonValueKind.Number:
                json.WriteNumberValue(value.GetDouble());
                break;
            default:
                value.WriteTo(json);
                break;
        }
    }
}

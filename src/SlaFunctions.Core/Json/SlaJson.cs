using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Json;

/// <summary>
/// The one JSON shape of snapshots and other engine values: camelCase, ISO-8601 instants, enum names.
/// </summary>
public static class SlaJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(SlaSnapshot snapshot) => JsonSerializer.Serialize(snapshot, Options);

    public static SlaSnapshot DeserializeSnapshot(string json) =>
        JsonSerializer.Deserialize<SlaSnapshot>(json, Options) ?? throw new JsonException("A snapshot cannot be null.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            // jsonb stores keys in its own order, so a "type" discriminator may come last.
            AllowOutOfOrderMetadataProperties = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.MakeReadOnly();
        return options;
    }
}

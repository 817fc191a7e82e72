using System.Collections.Immutable;
using System.Reflection;
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

    /// <summary>An event's type as these options write it (its <c>type</c> discriminator), e.g. <c>pause</c>.</summary>
    public static string TypeName(TicketEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return TypeNames.TryGetValue(e.GetType(), out var name) ? name : e.GetType().Name;
    }

    private static readonly ImmutableDictionary<Type, string> TypeNames = typeof(TicketEvent)
        .GetCustomAttributes<JsonDerivedTypeAttribute>(inherit: false)
        .ToImmutableDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

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

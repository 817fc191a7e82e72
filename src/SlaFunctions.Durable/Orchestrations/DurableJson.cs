using System.Text.Json;
using System.Text.Json.Serialization;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Durable.Orchestrations;

/// <summary>
/// The Functions worker's serializer options: <see cref="SlaJson.Options"/> (NodaTime, the polymorphic ticket
/// events, camelCase), so orchestration inputs, activity payloads, external events and entity state are the
/// same JSON as the snapshots, except that unknown members are skipped: the worker shares its serializer with
/// binding payloads such as the timer's, which carry properties no type here declares.
/// </summary>
public static class DurableJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(SlaJson.Options)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        };
        options.MakeReadOnly();
        return options;
    }
}

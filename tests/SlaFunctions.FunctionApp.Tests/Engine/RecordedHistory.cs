using System.Globalization;
using DurableTask.Core;
using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SlaFunctions.Testing.Files;

namespace SlaFunctions.FunctionApp.Tests.Engine;

/// <summary>
/// One execution's history as a file in <c>Engine/Histories</c>: the JSON array a DurableTask.Core provider answers
/// <c>GetOrchestrationHistoryAsync</c> with (its own serializer, each event's <c>EventType</c> as a number), read
/// back into DurableTask.Core's history events. The events are built through their public constructors, one
/// case per kind of event a ticket's orchestration records; any other kind fails the load, naming it.
/// </summary>
public static class RecordedHistory
{
    public static string Folder => Repo.Path("tests/SlaFunctions.FunctionApp.Tests/Engine/Histories");

    /// <summary>The provider's JSON, indented, so that a re-recording shows as a readable diff.</summary>
    public static string Format(string providerJson) => JToken.Parse(providerJson).ToString(Formatting.Indented);

    public static IReadOnlyList<HistoryEvent> Load(string path) => Parse(File.ReadAllText(path));

    public static IReadOnlyList<HistoryEvent> Parse(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return [.. JArray.Load(reader).Cast<JObject>().Select(Read)];
    }

    private static HistoryEvent Read(JObject e)
    {
        var id = Value<int>(e, "EventId");
        var kind = Enum.Parse<EventType>(Value<string>(e, "EventType"));
        HistoryEvent read = kind switch
        {
            EventType.ExecutionStarted => new ExecutionStartedEvent(id, Text(e, "Input"))
            {
                Name = Text(e, "Name"),
                Version = Text(e, "Version"),
                OrchestrationInstance = e["OrchestrationInstance"]?.ToObject<OrchestrationInstance>(),
                Tags = e["Tags"]?.ToObject<Dictionary<string, string>>(),
            },
            EventType.OrchestratorStarted => new OrchestratorStartedEvent(id),
            EventType.OrchestratorCompleted => new OrchestratorCompletedEvent(id),
            EventType.TaskScheduled => new TaskScheduledEvent(
                id,
                Text(e, "Name"),
                Text(e, "Version"),
                Text(e, "Input")
            ),
            EventType.TaskCompleted => new TaskCompletedEvent(id, Value<int>(e, "TaskScheduledId"), Text(e, "Result")),
            EventType.TimerCreated => new TimerCreatedEvent(id, Time(e, "FireAt")),
            EventType.TimerFired => new TimerFiredEvent(id, Time(e, "FireAt")) { TimerId = Value<int>(e, "TimerId") },
            EventType.EventRaised => new EventRaisedEvent(id, Text(e, "Input")) { Name = Text(e, "Name") },
            _ => throw new NotSupportedException(
                $"A recorded {kind} event: add its case to {nameof(RecordedHistory)}."
            ),
        };
        read.Timestamp = Time(e, "Timestamp");
        return read;
    }

    private static T Value<T>(JObject e, string name) =>
        (e[name] ?? throw new InvalidDataException($"A history event without {name}: {e}")).ToObject<T>()!;

    private static string Text(JObject e, string name) =>
        e[name]?.Type is null or JTokenType.Null ? null! : Value<string>(e, name);

    private static DateTime Time(JObject e, string name) =>
        DateTime.Parse(Value<string>(e, name), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}

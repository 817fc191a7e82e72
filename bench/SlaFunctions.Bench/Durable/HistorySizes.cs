using System.Globalization;
using System.Text.Json;
using DurableTask.AzureStorage;
using DurableTask.Core.History;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Bench.Durable;

/// <summary>
/// The history of each instance's current execution as the Azure Storage provider keeps it (the rows every episode
/// replays): its events, its rounds (one persist activity each), and its early timers: a timer whose episode began
/// before the timer's fire time, so that the orchestration found nothing due and armed the same timer again.
/// </summary>
internal sealed record HistorySizes(
    IReadOnlyList<HistorySizes.Execution> Executions,
    int Missing,
    string Largest,
    string LargestKinds
)
{
    public int MaxEvents => Executions.Count == 0 ? 0 : Executions.Max(e => e.Events);

    public static async Task<HistorySizes> ReadAsync(
        AzureStorageOrchestrationService storage,
        IReadOnlyList<string> instanceIds
    )
    {
        var executions = new Execution?[instanceIds.Count];
        var largest = (Events: -1, Id: string.Empty, Json: "[]");
        var gate = new Lock();
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4 };
        await Parallel.ForEachAsync(
            Enumerable.Range(0, instanceIds.Count),
            options,
            async (i, _) =>
            {
                var states = await storage.GetOrchestrationStateAsync(instanceIds[i], allExecutions: false);
                var state = states.FirstOrDefault();
                if (state?.OrchestrationInstance is not { } instance)
                {
                    return;
                }

                var json = await storage.GetOrchestrationHistoryAsync(instance.InstanceId, instance.ExecutionId);
                using var history = JsonDocument.Parse(json);
                executions[i] = Read(history.RootElement);
                lock (gate)
                {
                    if (executions[i]!.Events > largest.Events)
                    {
                        largest = (executions[i]!.Events, instance.InstanceId, json);
                    }
                }
            }
        );

        // SLA_BENCH_HISTORY_DUMP=file: the largest history as the provider returns it, to read its episodes.
        if (Environment.GetEnvironmentVariable("SLA_BENCH_HISTORY_DUMP") is { Length: > 0 } dump)
        {
            await File.WriteAllTextAsync(dump, largest.Json);
        }

        using var document = JsonDocument.Parse(largest.Json);
        var kinds = string.Join(
            ", ",
            document
                .RootElement.EnumerateArray()
                .GroupBy(Kind)
                .OrderByDescending(g => g.Count())
                .Select(g => $"{g.Key} {g.Count()}")
        );
        return new HistorySizes(
            [.. executions.OfType<Execution>()],
            executions.Count(e => e is null),
            largest.Id,
            kinds
        );
    }

    private static Execution Read(JsonElement history)
    {
        var rounds = 0;
        var early = 0;
        DateTimeOffset? episode = null;
        foreach (var e in history.EnumerateArray())
        {
            switch (Kind(e))
            {
                case nameof(EventType.OrchestratorStarted):
                    episode = Time(e, "Timestamp");
                    break;
                case nameof(EventType.TaskScheduled)
                    when e.TryGetProperty("Name", out var name) && name.GetString() == SlaActivities.Persist.Name:
                    rounds++;
                    break;
                case nameof(EventType.TimerFired) when episode < Time(e, "FireAt"):
                    early++;
                    break;
            }
        }

        return new Execution(history.GetArrayLength(), rounds, early);
    }

    private static string Kind(JsonElement e) =>
        !e.TryGetProperty("EventType", out var type) ? "?"
        : type.ValueKind == JsonValueKind.Number ? ((EventType)type.GetInt32()).ToString()
        : type.GetString() ?? "?";

    private static DateTimeOffset? Time(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;

    /// <summary>One instance's current execution: its history events, rounds, and timers that fired early.</summary>
    internal sealed record Execution(int Events, int Rounds, int EarlyTimers);
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Orchestrations;
using SlaFunctions.FunctionApp.Triggers;
using SlaFunctions.Testing.Engine;

namespace SlaFunctions.FunctionApp.Tests.Engine;

/// <summary>
/// Histories that earlier workflow versions recorded on the real engine (<see cref="TicketHistoryRecorder"/>, one
/// file per version in <c>Engine/Histories</c>) replayed against the current orchestrator code by the engine's own
/// replay: DurableTask.Core's <see cref="TaskOrchestrationExecutor"/> over the Durable Task worker's shim
/// (<see cref="DurableTaskShimFactory"/>), as the gRPC worker runs every work item, with the app's serializer. A
/// change that would break instances in flight fails here, on the first episode it would replay differently.
/// </summary>
public sealed partial class WorkflowReplayTests
{
    private static readonly DurableTaskShimFactory Shims = new(
        new DurableTaskWorkerOptions { DataConverter = AppTasks.Converter }
    );

    public static TheoryData<string> Histories() =>
        [.. Directory.GetFiles(RecordedHistory.Folder, "ticket-sla-v*.json").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(Histories))]
    public void Every_episode_of_a_recorded_history_replays_to_the_actions_it_recorded(string file)
    {
        var history = Load(file);
        var episodes = Episodes(history);
        Assert.True(episodes.Count > 10, $"{file}: {episodes.Count} episodes");
        Assert.Equal(InputVersion(file), Input(history).Version);

        foreach (var (from, to) in episodes)
        {
            // Fresh events each time: the executor marks the ones it plays.
            var replayed = Load(file);
            var arriving = replayed
                .Take(to)
                .Skip(from)
                .Where(e => !IsDecision(e) && e is not OrchestratorCompletedEvent);
            var result = Replay(replayed.Take(from), arriving);

            string[] recorded = [.. history.Take(to).Skip(from).Where(IsDecision).Select(Describe)];
            string[] actions = [.. result.Actions.Select(Describe)];
            Assert.True(
                recorded.SequenceEqual(actions),
                $"""
                {file}, the episode of events {from} to {to - 1} replayed differently.
                recorded: [{string.Join(", ", recorded)}]
                replayed: [{string.Join(", ", actions)}]
                """
            );
        }
    }

    [Theory]
    [MemberData(nameof(Histories))]
    public void A_signal_after_a_recorded_history_continues_it_as_new_on_the_current_version_which_applies_the_signal(
        string file
    )
    {
        var history = Load(file);
        var instance = history.OfType<ExecutionStartedEvent>().Single().OrchestrationInstance;
        var now = history.OfType<OrchestratorStartedEvent>().Last().Timestamp.AddMinutes(1);
        var signal = new SlaSignal(new TicketResponded(DurableTime.ToInstant(now)) { Id = "after-the-recording" });
        var raised = new EventRaisedEvent(-1, AppTasks.Converter.Serialize(signal)) { Name = SlaSignal.EventName };

        var result = Replay(history, [Started(now), raised]);

        var end = Only<OrchestrationCompleteOrchestratorAction>(result);
        Assert.True(end.OrchestrationStatus == OrchestrationStatus.ContinuedAsNew, Describe(end));
        var continued = end.Result ?? throw new InvalidOperationException("ContinueAsNew without an input");
        var next = AppTasks.Converter.Deserialize<TicketSlaInput>(continued)!;
        Assert.Equal(TicketSlaWorkflow.CurrentVersion, next.Version);
        Assert.Equal(TicketSlaWorkflow.CurrentVersion, JsonNode.Parse(continued)!["version"]!.GetValue<int>());
        Assert.Equal([signal], next.Signals.ToArray());

        var start = new ExecutionStartedEvent(-1, continued)
        {
            Name = SlaOrchestrations.TicketSla,
            OrchestrationInstance = new()
            {
                InstanceId = instance.InstanceId,
                ExecutionId = Guid.NewGuid().ToString("N"),
            },
        };
        var first = Replay([], [Started(now), start]);

        var persist = Only<ScheduleTaskOrchestratorAction>(first);
        Assert.Equal(SlaActivities.Persist.Name, persist.Name);
        var request = Assert.Single(AppTasks.Converter.Deserialize<PersistSlaRequest[]>(persist.Input)!);
        Assert.Equal(signal.Event, request.Signal?.Event);
        Assert.Equal(SignalOutcome.Applied, request.Signal?.Outcome);
    }

    /// <summary>
    /// The current code's answer to <paramref name="arriving"/> after <paramref name="past"/>, as a worker's.
    /// </summary>
    private static OrchestratorExecutionResult Replay(
        IEnumerable<HistoryEvent> past,
        IEnumerable<HistoryEvent> arriving
    )
    {
        var state = new OrchestrationRuntimeState([.. past]);
        foreach (var e in arriving)
        {
            state.AddEvent(e);
        }

        // The orchestrator exactly as AppTasks registers it on the test host's worker.
        var orchestration = Shims.CreateOrchestration<TicketSlaInput, object>(
            SlaOrchestrations.TicketSla,
            async (context, input) =>
            {
                await OrchestrationFunctions.TicketSlaOrchestrator(context, input);
                return null;
            }
        );
        return new TaskOrchestrationExecutor(
            state,
            orchestration,
            BehaviorOnContinueAsNew.Carryover,
            ErrorPropagationMode.UseFailureDetails
        ).Execute();
    }

    private static T Only<T>(OrchestratorExecutionResult result)
        where T : OrchestratorAction
    {
        string[] actions = [.. result.Actions.Select(Describe)];
        Assert.True(
            actions.Length == 1 && result.Actions.Single() is T,
            $"one {typeof(T).Name} expected: [{string.Join(", ", actions)}]"
        );
        return (T)result.Actions.Single();
    }

    /// <summary>
    /// Each episode as [start, end): from its OrchestratorStarted to its OrchestratorCompleted, inclusive.
    /// </summary>
    private static List<(int From, int To)> Episodes(IReadOnlyList<HistoryEvent> history)
    {
        var episodes = new List<(int, int)>();
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i] is OrchestratorStartedEvent)
            {
                var end = i + 1;
                while (history[end] is not OrchestratorCompletedEvent)
                {
                    end++;
                }

                episodes.Add((i, end + 1));
                i = end;
            }
        }

        return episodes;
    }

    /// <summary>What the code did, as opposed to what arrived: the events its actions became.</summary>
    private static bool IsDecision(HistoryEvent e) =>
        e
            is TaskScheduledEvent
                or TimerCreatedEvent
                or EventSentEvent
                or SubOrchestrationInstanceCreatedEvent
                or ExecutionCompletedEvent
                or ContinueAsNewEvent;

    private static string Describe(HistoryEvent e) =>
        e switch
        {
            TaskScheduledEvent task => $"#{task.EventId} activity {task.Name}",
            TimerCreatedEvent timer =>
                $"#{timer.EventId} timer at {timer.FireAt.ToString("O", CultureInfo.InvariantCulture)}",
            _ => $"#{e.EventId} {e.EventType}",
        };

    private static string Describe(OrchestratorAction action) =>
        action switch
        {
            ScheduleTaskOrchestratorAction task => $"#{task.Id} activity {task.Name}",
            CreateTimerOrchestratorAction timer =>
                $"#{timer.Id} timer at {timer.FireAt.ToString("O", CultureInfo.InvariantCulture)}",
            OrchestrationCompleteOrchestratorAction end =>
                $"#{end.Id} {end.OrchestrationStatus} {end.FailureDetails?.ErrorType} {end.FailureDetails?.ErrorMessage}".TrimEnd(),
            _ => $"#{action.Id} {action.OrchestratorActionType}",
        };

    private static OrchestratorStartedEvent Started(DateTime at) => new(-1) { Timestamp = at };

    private static IReadOnlyList<HistoryEvent> Load(string file) =>
        RecordedHistory.Load(Path.Combine(RecordedHistory.Folder, file));

    private static TicketSlaInput Input(IReadOnlyList<HistoryEvent> history) =>
        AppTasks.Converter.Deserialize<TicketSlaInput>(history.OfType<ExecutionStartedEvent>().Single().Input)!;

    /// <summary>The version a file was recorded on, from its name: <c>ticket-sla-v{version}.json</c>.</summary>
    private static int InputVersion(string file) =>
        int.Parse(VersionInName().Match(file).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^ticket-sla-v(\d+)\.json$")]
    private static partial Regex VersionInName();
}

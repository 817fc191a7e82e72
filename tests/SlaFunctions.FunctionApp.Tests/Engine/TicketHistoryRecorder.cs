using DurableTask.Core.History;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Testing.Engine;

#if RECORD_HISTORY
namespace SlaFunctions.FunctionApp.Tests.Engine;

/// <summary>
/// Records the fixtures <see cref="WorkflowReplayTests"/> replays: one ticket's orchestration on the Azure Storage
/// provider (on Azurite, through the app's durable backend, as <see cref="LifecycleCases"/> drives it), with
/// notifications due at the start, a timer that fires, a pause, a resume and a priority change, whose history is
/// taken while the execution is still in flight: idle, waiting for the signal that will continue it as new.
/// </summary>
/// <remarks>
/// A recording, not a test: it is compiled only with <c>-p:RecordHistory=true</c> (so no test run lists it as skipped),
/// runs only when <see cref="RecordingFactAttribute.Variable"/> is set, and overwrites
/// <c>Engine/Histories/ticket-sla-v{version}.json</c> in the source tree. Re-record when the workflow's version is
/// bumped, from the bumped code, and keep every older file (docs/functions.md, "Upgrading the workflow"):
/// <code>
/// SLA_RECORD_HISTORY=1 dotnet test tests/SlaFunctions.FunctionApp.Tests -c Release -p:ServiceBusTrigger=false \
///   -p:RecordHistory=true --filter FullyQualifiedName~TicketHistoryRecorder
/// </code>
/// It takes about a minute and a half of real time.
/// </remarks>
public sealed class TicketHistoryRecorder
{
    [RecordingFact]
    public async Task Records_a_ticket_in_flight_after_a_timer_a_pause_a_resume_and_a_priority_change()
    {
        var engine = new AzureStorageEngine();
        await engine.InitializeAsync();
        try
        {
            var history = await RecordAsync(engine);
            var file = Path.Combine(RecordedHistory.Folder, $"ticket-sla-v{TicketSlaWorkflow.CurrentVersion}.json");
            await File.WriteAllTextAsync(file, history + "\n");
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    private static async Task<string> RecordAsync(AzureStorageEngine engine)
    {
        var ticket = engine.Ticket("T-recorded");
        var instanceId = SlaInstanceId.For(ticket);
        var storage = engine.Engine.AzureStorage!;

        // P2 (response 2 min) created 70 s ago: the response's 50 % fell due before the start, its 75 % is a timer 20 s
        // out.
        await engine.StartAsync(ticket, "P2", EngineFixture.Now() - Duration.FromSeconds(70));
        async Task<string> ExecutionIdAsync() =>
            (await storage.GetOrchestrationStateAsync(instanceId, allExecutions: false))
                .Single()
                .OrchestrationInstance.ExecutionId;
        var executionId = await ExecutionIdAsync();

        async Task<(string Json, IReadOnlyList<HistoryEvent> Events)> HistoryAsync()
        {
            var json = await storage.GetOrchestrationHistoryAsync(instanceId, executionId);
            return (json, RecordedHistory.Parse(json));
        }

        await Eventually.HoldsAsync(
            "a timer fired",
            async () => (await HistoryAsync()).Events.Any(e => e is TimerFiredEvent)
        );
        TicketEvent[] signals =
        [
            new TicketPaused(EngineFixture.Now(), "awaiting_client") { Id = "recorded-pause" },
            new TicketResumed(EngineFixture.Now() + Duration.FromSeconds(3), "awaiting_client")
            {
                Id = "recorded-resume",
            },
            new TicketPriorityChanged(EngineFixture.Now() + Duration.FromSeconds(6), "P1") { Id = "recorded-priority" },
        ];
        foreach (var signal in signals)
        {
            while (EngineFixture.Now() < signal.At)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            await engine.SendAsync(ticket, signal with { At = EngineFixture.Now() });
        }

        // Idle: nothing left to fire (so no timer will add to the history), every activity answered, the episode
        // closed.
        await Eventually.HoldsAsync(
            "nothing left to fire",
            async () => (await engine.Store.LoadAsync(ticket))?.Sla.NextWakeAt is null
        );
        var json = "";
        IReadOnlyList<HistoryEvent> events = [];
        await Eventually.HoldsAsync(
            "the execution idle",
            async () =>
            {
                var before = await HistoryAsync();
                await Task.Delay(TimeSpan.FromSeconds(3));
                (json, events) = await HistoryAsync();
                return json == before.Json
                    && events[^1] is OrchestratorCompletedEvent
                    && events.OfType<TaskScheduledEvent>().Count() == events.OfType<TaskCompletedEvent>().Count();
            }
        );

        Assert.Equal(InstanceState.Running, await engine.StateAsync(ticket));
        Assert.Equal(executionId, await ExecutionIdAsync());
        var input = AppTasks.Converter.Deserialize<TicketSlaInput>(
            events.OfType<ExecutionStartedEvent>().Single().Input
        )!;
        Assert.Equal(TicketSlaWorkflow.CurrentVersion, input.Version);
        Assert.NotEmpty(input.Unpublished);
        Assert.Equal(SlaActivities.Publish.Name, events.OfType<TaskScheduledEvent>().First().Name);
        Assert.Contains(events, e => e is TimerFiredEvent);
        Assert.Equal(
            signals.Select(s => s.Id),
            events.OfType<EventRaisedEvent>().Select(r => AppTasks.Converter.Deserialize<SlaSignal>(r.Input)!.Event.Id)
        );
        Assert.DoesNotContain(events, e => e is ExecutionCompletedEvent or ContinueAsNewEvent);
        return RecordedHistory.Format(json);
    }
}

/// <summary>
/// A fact that runs only when <see cref="Variable"/> is set: it re-records a fixture instead of testing.
/// </summary>
public sealed class RecordingFactAttribute : FactAttribute
{
    public const string Variable = "SLA_RECORD_HISTORY";

    public RecordingFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"re-records a history fixture; set {Variable}=1 to run it";
        }
    }
}
#endif

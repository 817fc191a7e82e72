using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Core.Tests.Workflow.Replay;

/// <summary>
/// The context of one episode: the orchestration runs from the start against the recorded history, and every
/// action it takes is compared with the recorded one at the same position; what goes beyond them is new.
/// External events follow Durable's buffering: an event nobody waits for is kept and handed, in arrival order,
/// to the next waiter.
/// </summary>
internal sealed class ReplayingContext(IReadOnlyList<OrchestrationAction> recorded) : ISlaOrchestrationContext
{
    private readonly List<OrchestrationAction> actions = [];
    private readonly Dictionary<int, TaskCompletionSource> timers = [];
    private readonly Dictionary<int, TaskCompletionSource<string>> tasks = [];
    private readonly Queue<TaskCompletionSource<SlaSignal>> waiters = new();
    private readonly Queue<EventRaised> buffered = new();
    private int nextId;

    public Instant CurrentInstant { get; set; }

    public TicketSlaInput? ContinuedWith { get; private set; }

    public NonDeterministicOrchestrationException? Divergence { get; private set; }

    public IEnumerable<OrchestrationAction> NewActions => actions.Skip(recorded.Count);

    public int RegisteredWaiters => waiters.Count;

    public IEnumerable<int> RunningTimers => timers.Where(t => !t.Value.Task.IsCompleted).Select(t => t.Key);

    /// <summary>Events that arrived and that no waiter has taken.</summary>
    public IEnumerable<EventRaised> Buffered => buffered;

    public Task CreateTimer(Instant fireAt, CancellationToken cancellationToken)
    {
        var id = nextId++;
        Act(new TimerCreated(id, fireAt));
        var timer = new TaskCompletionSource();
        cancellationToken.Register(() => timer.TrySetCanceled(cancellationToken));
        timers[id] = timer;
        return timer.Task;
    }

    public Task<SlaSignal> WaitForSignal()
    {
        Act(new SignalAwaited());
        var waiter = new TaskCompletionSource<SlaSignal>();
        waiters.Enqueue(waiter);
        if (buffered.TryDequeue(out var early))
        {
            Raise(early);
        }

        return waiter.Task;
    }

    public async Task<TOutput> CallActivityAsync<TInput, TOutput>(SlaActivity<TInput, TOutput> activity, TInput input)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(activity);
        var id = nextId++;
        Act(new TaskScheduled(id, activity.Name, DurableJson.Serialize(input)));
        var task = new TaskCompletionSource<string>();
        tasks[id] = task;
        return DurableJson.Deserialize<TOutput>(await task.Task);
    }

    public void ContinueAsNew(TicketSlaInput newInput) => ContinuedWith = newInput;

    public void FireTimer(int id)
    {
        if (!timers.TryGetValue(id, out var timer))
        {
            throw Diverge($"the history fires timer #{id}, which this replay did not create");
        }

        timer.TrySetResult(); // a cancelled timer still fires in Durable; nobody is listening any more
    }

    public void CompleteTask(int id, string result)
    {
        if (!tasks.TryGetValue(id, out var task))
        {
            throw Diverge($"the history completes activity #{id}, which this replay did not schedule");
        }

        task.SetResult(result);
    }

    public void Raise(EventRaised e)
    {
        if (
            !string.Equals(e.Name, SlaSignal.EventName, StringComparison.OrdinalIgnoreCase)
            || !waiters.TryDequeue(out var waiter)
        )
        {
            buffered.Enqueue(e);
            return;
        }

        waiter.SetResult(DurableJson.Deserialize<SlaSignal>(e.Input));
    }

    /// <summary>After the whole history: a replay must have done at least everything recorded.</summary>
    public void RequireAllRecordedActions()
    {
        if (actions.Count < recorded.Count)
        {
            throw Diverge(
                $"the replay stopped after {actions.Count} of the {recorded.Count} recorded actions; next recorded: {recorded[actions.Count]}"
            );
        }
    }

    private void Act(OrchestrationAction action)
    {
        var position = actions.Count;
        actions.Add(action);
        if (position < recorded.Count && recorded[position] != action)
        {
            throw Diverge($"action {position}: the history records {recorded[position]}, the replay did {action}");
        }
    }

    private NonDeterministicOrchestrationException Diverge(string message) =>
        Divergence ??= new NonDeterministicOrchestrationException(message);
}

internal static class DurableJson
{
    public static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), SlaJson.Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, SlaJson.Options)
        ?? throw new JsonException($"null where a {typeof(T).Name} was expected");
}

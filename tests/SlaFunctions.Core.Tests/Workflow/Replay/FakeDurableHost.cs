using NodaTime;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Core.Tests.Workflow.Replay;

/// <summary>
/// Durable Functions in memory, for one orchestration instance under a virtual clock. Messages for the
/// instance (its start, raised events, fired timers, completed activities) wait in an inbox; each
/// <see cref="Deliver"/> is an episode that appends them to the history and re-runs the orchestration from
/// the start against the whole history, failing on any divergence. Timers fire in instant order when the
/// clock reaches them; activities run when <see cref="CompleteActivities"/> is called. Nothing sleeps.
/// </summary>
public sealed class FakeDurableHost(Func<ISlaOrchestrationContext, TicketSlaInput, Task> orchestrator, Instant now)
{
    private const int MaxEpisodesPerSettle = 10_000;
    private readonly Dictionary<string, Func<string, string>> activities = new(StringComparer.Ordinal);
    private readonly List<List<HistoryEvent>> executions = [];
    private readonly List<HistoryEvent> inbox = [];
    private readonly List<TimerCreated> timers = [];
    private readonly Dictionary<int, Instant> armedAt = [];
    private readonly List<TaskScheduled> scheduled = [];
    private readonly List<SlaSignal> lost = [];

    public Instant Now { get; private set; } = now;

    /// <summary>
    /// Timers as the Azure Storage provider makes them: a queue message whose delay is sent in whole seconds,
    /// truncated,
    /// so it fires up to a second before its instant. Off by default: a timer fires at its instant.
    /// </summary>
    public bool WholeSecondTimerDelays { get; init; }

    public bool IsRunning { get; private set; }

    public IReadOnlyList<IReadOnlyList<HistoryEvent>> Executions => executions;

    public IReadOnlyList<HistoryEvent> History => executions[^1];

    /// <summary>Signals that reached the instance and that no code ever received: this must stay empty.</summary>
    public IReadOnlyList<SlaSignal> LostSignals => lost;

    /// <summary>The most event waiters registered at once, measured after every step of every episode.</summary>
    public int MostWaiters { get; private set; }

    public int Episodes { get; private set; }

    public IReadOnlyList<TaskScheduled> PendingActivities => scheduled;

    public FakeDurableHost Activity<TInput, TResult>(string name, Func<TInput, TResult> run)
    {
        activities[name] = input => DurableJson.Serialize(run(DurableJson.Deserialize<TInput>(input))!);
        return this;
    }

    /// <summary>
    /// Schedules a new execution of the instance; like Durable, a completed instance may be started again.
    /// </summary>
    public void Start(TicketSlaInput input) => Start(DurableJson.Serialize(input));

    /// <summary>
    /// Schedules a new execution with its input as Durable stores it (JSON), for inputs older code wrote.
    /// </summary>
    public void Start(string input)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The instance is already running.");
        }

        IsRunning = true;
        executions.Add([]);
        inbox.Add(new ExecutionStarted(input));
    }

    /// <summary>
    /// Raises the signal event. Like the isolated worker, this throws when the instance is not running.
    /// </summary>
    public void Raise(SlaSignal signal)
    {
        if (!IsRunning)
        {
            throw new InvalidOperationException("The instance is not running.");
        }

        inbox.Add(new EventRaised(SlaSignal.EventName, DurableJson.Serialize(signal)));
    }

    /// <summary>Puts a fired message in the inbox for every timer due by now, in instant order.</summary>
    public void FireDueTimers()
    {
        var due = timers.Where(t => FiresAt(t) <= Now).OrderBy(t => t.FireAt).ThenBy(t => t.Id).ToList();
        inbox.AddRange(due.Select(t => new TimerFired(t.Id, t.FireAt)));
        timers.RemoveAll(due.Contains);
    }

    /// <summary>Runs every scheduled activity and puts its result in the inbox.</summary>
    public void CompleteActivities()
    {
        inbox.AddRange(scheduled.Select(a => new TaskCompleted(a.Id, activities[a.Name](a.Input))));
        scheduled.Clear();
    }

    /// <summary>
    /// Delivers, completes activities and fires due timers until nothing is left to do at this instant.
    /// </summary>
    public void Settle()
    {
        for (var episodes = 0; episodes < MaxEpisodesPerSettle; episodes++)
        {
            if (inbox.Count > 0)
            {
                Deliver();
            }
            else if (scheduled.Count > 0)
            {
                CompleteActivities();
            }
            else if (timers.Any(t => FiresAt(t) <= Now))
            {
                FireDueTimers();
            }
            else
            {
                return;
            }
        }

        throw new InvalidOperationException(
            $"The orchestration did not settle at {Now} within {MaxEpisodesPerSettle} episodes."
        );
    }

    /// <summary>
    /// Moves the clock to <paramref name="instant"/>, settling at every timer due before it; timers due at it stay
    /// pending.
    /// </summary>
    public void AdvanceTo(Instant instant)
    {
        if (instant < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(instant), $"The clock is at {Now} already.");
        }

        Settle();
        while (timers.Where(t => FiresAt(t) < instant).Select(t => (Instant?)FiresAt(t)).Min() is { } next)
        {
            Now = next;
            Settle();
        }

        Now = instant;
    }

    public void RunUntil(Instant instant)
    {
        AdvanceTo(instant);
        Settle();
    }

    /// <summary>One episode: the inbox joins the history, and the orchestration replays all of it.</summary>
    public void Deliver()
    {
        if (inbox.Count == 0)
        {
            return;
        }

        Episodes++;
        var history = executions[^1];
        history.Add(new OrchestratorStarted(Now));
        history.AddRange(inbox);
        inbox.Clear();

        var context = new ReplayingContext([.. history.OfType<OrchestrationAction>()]);
        var thread = new OrchestratorThread();
        Task? run = null;
        var forwarded = new List<EventRaised>();
        foreach (var e in history.ToList())
        {
            if (run is { IsCompleted: true } && e is EventRaised late)
            {
                // Durable keeps processing the batch after the code returned. Once ContinueAsNew was called, a raised
                // event goes to the next execution even where a waiter is still registered (DurableTask.Core's
                // executor: HasContinueAsNew → AddEventToNextIteration); after a plain return it is gone.
                if (context.ContinuedWith is not null)
                {
                    forwarded.Add(late);
                }
                else
                {
                    lost.Add(DurableJson.Deserialize<SlaSignal>(late.Input));
                }

                continue;
            }

            switch (e)
            {
                case OrchestratorStarted started:
                    context.CurrentInstant = started.Timestamp;
                    break;
                case ExecutionStarted start:
                    thread.Run(() => run = orchestrator(context, DurableJson.Deserialize<TicketSlaInput>(start.Input)));
                    break;
                case TimerFired fired:
                    thread.Run(() => context.FireTimer(fired.TimerId));
                    break;
                case TaskCompleted completed:
                    thread.Run(() => context.CompleteTask(completed.TaskId, completed.Result));
                    break;
                case EventRaised raised:
                    thread.Run(() => context.Raise(raised));
                    break;
            }

            if (context.Divergence is { } divergence)
            {
                throw divergence;
            }

            MostWaiters = Math.Max(MostWaiters, context.RegisteredWaiters);
        }

        context.RequireAllRecordedActions();
        Record(history, context.NewActions.ToList());
        if (run is null || !run.IsCompleted)
        {
            return;
        }

        run.GetAwaiter().GetResult(); // an orchestration that threw fails the test here
        if (context.RunningTimers.Any())
        {
            throw new InvalidOperationException(
                $"The orchestration ended with timers still running: #{string.Join(", #", context.RunningTimers)}."
            );
        }

        timers.Clear();
        scheduled.Clear();
        if (context.ContinuedWith is { } next)
        {
            var input = DurableJson.Serialize(next);
            history.Add(new ExecutionContinued(input));
            executions.Add([]);
            inbox.Add(new ExecutionStarted(input));
            inbox.AddRange(context.Buffered.Concat(forwarded));
        }
        else
        {
            history.Add(new ExecutionCompleted());
            IsRunning = false;
            lost.AddRange(context.Buffered.Select(b => DurableJson.Deserialize<SlaSignal>(b.Input)));
        }
    }

    private Instant FiresAt(TimerCreated timer) =>
        WholeSecondTimerDelays && armedAt[timer.Id] is var armed && timer.FireAt > armed
            ? armed + Duration.FromSeconds(Math.Floor((timer.FireAt - armed).TotalSeconds))
            : timer.FireAt;

    private void Record(List<HistoryEvent> history, List<OrchestrationAction> actions)
    {
        history.AddRange(actions);
        timers.AddRange(actions.OfType<TimerCreated>());
        foreach (var timer in actions.OfType<TimerCreated>())
        {
            armedAt[timer.Id] = Now;
        }

        scheduled.AddRange(actions.OfType<TaskScheduled>());
    }
}

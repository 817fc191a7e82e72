using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Workflow;

/// <summary>
/// The orchestration of one ticket's SLA. It sleeps on a durable timer until the next notification falls due
/// and wakes early on a signal. Each round handles one thing: a signal, applied at its own instant, or the
/// notifications due now, fired; then it persists the result (and publishes what fired) through activities.
/// Signals come first, so events at the same instant apply before what falls due then.
/// </summary>
/// <remarks>
/// <para>
/// Replay-safe: every decision comes from the input, <see cref="ISlaOrchestrationContext.CurrentInstant"/>
/// and activity results. One signal waiter is kept until it completes and is re-armed at once, so no event
/// ever waits unheard and no waiter is ever cancelled; only the timer is re-armed, and it is cancelled
/// whenever the waiter wins, so none outlives a round.
/// </para>
/// <para>
/// History stays short: after <see cref="RoundsPerExecution"/> rounds, or a signal that changes a phase
/// (respond, resolve, reopen, priority, cancel), the execution continues as new when the next signal arrives.
/// The signal in hand and every signal already buffered travel in the new input (<see cref="DrainAsync"/>).
/// Until then only timer rounds add history, and the SLA's schedule bounds those.
/// </para>
/// <para>
/// The snapshot stays bounded too: before each persist the settled history is folded into its checkpoint
/// (<see cref="TicketSlaInput.Compaction"/> as of <see cref="ISlaOrchestrationContext.CurrentInstant"/>, the rule
/// of the polling store, docs/decisions/0007). The stored row and the input of the next execution are both that
/// persisted snapshot, so the orchestration never holds a history its row does not.
/// </para>
/// <para>
/// It returns once the SLA has ended (cancelled, or resolved with nothing left to fire) and no signal is
/// pending. A later signal, typically a reopen, finds the instance completed and Durable refuses to raise it:
/// the host then starts a new execution under the same instance id from the persisted snapshot, with that
/// signal in <see cref="TicketSlaInput.Signals"/>.
/// </para>
/// <para>
/// Upgrades: Durable replays an execution's history against whatever code is deployed, and an execution lives for
/// days. So an execution keeps the behaviour of the version in its input, <see cref="TicketSlaInput.Version"/>,
/// and every new input (start, restart from the snapshot, ContinueAsNew) is written with <see cref="CurrentVersion"/>:
/// a change takes effect at an instance's next ContinueAsNew or restart (docs/functions.md, "Upgrading the workflow").
/// </para>
/// </remarks>
public static class TicketSlaWorkflow
{
    /// <summary>Rounds after which an execution continues as new, to bound its history.</summary>
    internal const int RoundsPerExecution = 20;

    /// <summary>
    /// The version new executions are written with. Bump it for any change to the sequence of durable actions
    /// (activities, timers, waits, ContinueAsNew) and keep the old sequence behind <c>input.Version</c>: say version 2
    /// publishes before it persists, then the round reads
    /// <c>if (input.Version &gt;= 2) { publish; persist; } else { persist; publish; }</c>, and executions of version 1
    /// replay as they ran until their next ContinueAsNew. Changes to activity inputs or pure computation need no bump.
    /// </summary>
    /// <remarks>Version 2: a timer that fired before its instant is armed again <see cref="EarlyTimerRetry"/> after
    /// it.</remarks>
    public const int CurrentVersion = 2;

    /// <summary>
    /// How long after its instant a timer is armed again when it fired early (version 2 on). The Azure Storage
    /// provider makes a timer's queue message visible up to a second before its instant: it sends the delay from the
    /// moment it enqueues the message, in whole seconds, truncated. Armed again for the same instant (or for a second
    /// after the episode's start, which the enqueue follows), the delay truncates to nothing and the orchestration
    /// spins through empty episodes until the instant passes (docs/benchmarks.md, "Early timers"). Armed a second
    /// after the instant, the message is visible a whole second after it was enqueued, which is past the instant: a
    /// threshold is then under a second late instead.
    /// </summary>
    internal static Duration EarlyTimerRetry { get; } = Duration.FromSeconds(1);

    public static async Task RunAsync(ISlaOrchestrationContext context, TicketSlaInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if (input.Version is < TicketSlaInput.VersionWhenAbsent or > CurrentVersion)
        {
            // A version above ours means a rollback below a version already in flight: fail rather than guess its
            // sequence.
            throw new InvalidOperationException(
                $"{input.Ticket}: the input is of workflow version {input.Version}; this code runs versions "
                    + $"{TicketSlaInput.VersionWhenAbsent} to {CurrentVersion}."
            );
        }

        var sla = TicketSla.Restore(input.Policy.Compile(), input.Snapshot);
        var carried = new Queue<SlaSignal>(input.Signals.IsDefault ? [] : input.Signals);
        var waiter = context.WaitForSignal();
        if (!input.Unpublished.IsDefaultOrEmpty)
        {
            await context.CallActivityAsync(
                SlaActivities.Publish,
                new PublishNotificationsRequest(input.Ticket, input.Unpublished)
            );
        }

        var rounds = 0;
        var restartDue = false;
        var compaction = input.Compaction;
        var wokeEarly = false;
        while (true)
        {
            if (!carried.TryDequeue(out var signal) && waiter.IsCompleted)
            {
                signal = await waiter;
                if (restartDue)
                {
                    context.ContinueAsNew(
                        input with
                        {
                            Snapshot = sla.ToSnapshot(),
                            Signals = await DrainAsync(context, signal),
                            Unpublished = [],
                            Compaction = compaction ?? HistoryCompaction.Default,
                            Version = CurrentVersion,
                        }
                    );
                    return;
                }

                waiter = context.WaitForSignal();
            }

            if (signal is not null)
            {
                var (next, record) = Apply(sla, signal);
                compaction = signal.Receipt is { } receipt ? compaction?.Tolerating(receipt.LateTolerance) : compaction;
                sla = Compacted(context, compaction, next);
                await PersistAsync(context, input.Ticket, sla, [], record);
                restartDue |= ++rounds >= RoundsPerExecution || ChangesPhase(record);
            }
            else if (sla.HasEnded)
            {
                return;
            }
            else if (sla.NextWakeAt is { } due && due <= context.CurrentInstant)
            {
                var firing = sla.FireDue(context.CurrentInstant);
                sla = Compacted(context, compaction, firing.Sla);
                await PersistAsync(context, input.Ticket, sla, firing.Fired, null);
                await context.CallActivityAsync(
                    SlaActivities.Publish,
                    new PublishNotificationsRequest(input.Ticket, firing.Fired)
                );
                restartDue |= ++rounds >= RoundsPerExecution;
            }
            else
            {
                var wake =
                    wokeEarly && input.Version >= 2 && sla.NextWakeAt is { } armFor
                        ? armFor + EarlyTimerRetry
                        : sla.NextWakeAt;
                wokeEarly =
                    await SleepAsync(context, waiter, wake) is { } firedFor && context.CurrentInstant < firedFor;
            }
        }
    }

    /// <summary>
    /// The signal in hand and every signal already buffered (a wait on a buffered event completes at once), for the
    /// next execution's input: what travels there does not depend on Durable carrying unprocessed events across
    /// <c>ContinueAsNew</c>, which loses them on some hosts (durabletask-dotnet #387; the in-process test host before
    /// its fix for self-sent events). The one waiter left pending ends with the execution; an event that arrives
    /// later is the next execution's.
    /// </summary>
    private static async Task<ImmutableArray<SlaSignal>> DrainAsync(ISlaOrchestrationContext context, SlaSignal inHand)
    {
        var signals = ImmutableArray.CreateBuilder<SlaSignal>();
        signals.Add(inHand);
        for (var next = context.WaitForSignal(); next.IsCompleted; next = context.WaitForSignal())
        {
            signals.Add(await next);
        }

        return signals.ToImmutable();
    }

    /// <summary>
    /// Returns when a signal has arrived or <paramref name="wake"/> has come; never leaves the timer running. Returns
    /// the instant the timer was armed for when it was the timer that ended the sleep.
    /// </summary>
    private static async Task<Instant?> SleepAsync(
        ISlaOrchestrationContext context,
        Task<SlaSignal> waiter,
        Instant? wake
    )
    {
        if (wake is not { } fireAt)
        {
            await waiter;
            return null;
        }

        using var cancel = new CancellationTokenSource();
        var timer = context.CreateTimer(fireAt, cancel.Token);
        if (await Task.WhenAny(waiter, timer) == waiter)
        {
            cancel.Cancel();
            return null;
        }

        return fireAt;
    }

    private static (TicketSla Sla, SignalRecord Record) Apply(TicketSla sla, SlaSignal signal)
    {
        try
        {
            var result = sla.Apply(signal.Event, signal.Receipt);
            var outcome = result.Effect switch
            {
                EventEffect.Applied => SignalOutcome.Applied,
                EventEffect.Duplicate => SignalOutcome.Duplicate,
                _ => SignalOutcome.Ignored,
            };
            return (result.Sla, new SignalRecord(signal.Event, outcome, result.Reason));
        }
        catch (InvalidInputException e)
        {
            var outcome = e.IsTooLate ? SignalOutcome.TooLate : SignalOutcome.Rejected;
            return (sla, new SignalRecord(signal.Event, outcome, e.Message));
        }
    }

    private static TicketSla Compacted(
        ISlaOrchestrationContext context,
        HistoryCompaction? compaction,
        TicketSla sla
    ) => compaction is { } rule ? rule.Compact(sla, context.CurrentInstant) : sla;

    private static bool ChangesPhase(SignalRecord record) =>
        record.Outcome == SignalOutcome.Applied
        && record.Event
            is TicketResponded
                or TicketResolved
                or TicketReopened
                or TicketPriorityChanged
                or TicketCancelled;

    private static Task<int> PersistAsync(
        ISlaOrchestrationContext context,
        TicketKey ticket,
        TicketSla sla,
        ImmutableArray<FiredNotification> fired,
        SignalRecord? signal
    ) =>
        context.CallActivityAsync(
            SlaActivities.Persist,
            new PersistSlaRequest(ticket, context.CurrentInstant, sla.ToSnapshot(), fired, signal)
        );
}

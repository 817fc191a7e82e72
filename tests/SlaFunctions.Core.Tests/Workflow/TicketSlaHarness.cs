using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tests.Workflow.Replay;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Workflow;

/// <summary>
/// One ticket's <see cref="TicketSlaWorkflow"/> on the fake Durable host, its activities backed by a
/// <see cref="FakeSlaStore"/>, and the host's side of starting it and sending it signals.
/// </summary>
public sealed class TicketSlaHarness
{
    private readonly TicketKey ticket = new("tenant-1", "ticket-1");
    private readonly PolicyDefinition policy;
    private readonly HistoryCompaction? compaction;

    private TicketSlaHarness(
        SlaPolicy policy,
        TicketCreated created,
        HistoryCompaction? compaction,
        Func<TicketSlaInput, string>? stored,
        bool wholeSecondTimerDelays
    )
    {
        this.policy = PolicyDefinitions.From(policy);
        this.compaction = compaction;
        var snapshot = TicketSla.Start(policy, created).ToSnapshot();
        Store = new FakeSlaStore(snapshot);
        Host = new FakeDurableHost(TicketSlaWorkflow.RunAsync, created.At)
        {
            WholeSecondTimerDelays = wholeSecondTimerDelays,
        }
            .Activity<PersistSlaRequest, int>(SlaActivities.Persist.Name, Store.Persist)
            .Activity<PublishNotificationsRequest, int>(SlaActivities.Publish.Name, Store.Publish);
        Host.Start((stored ?? DurableJson.Serialize)(Input(snapshot, [])));
        Host.Settle();
    }

    public FakeDurableHost Host { get; }

    public FakeSlaStore Store { get; }

    public int Signals { get; private set; }

    /// <param name="compaction">What the host puts in the input; none (an input from before compaction) unless
    /// given.</param>
    /// <param name="stored">Turns the input into the JSON Durable holds.</param>
    /// <param name="wholeSecondTimerDelays">Fire timers as the Azure Storage provider does (<see
    /// cref="FakeDurableHost.WholeSecondTimerDelays"/>).</param>
    public static TicketSlaHarness Start(
        SlaPolicy policy,
        TicketEvent created,
        HistoryCompaction? compaction = null,
        Func<TicketSlaInput, string>? stored = null,
        bool wholeSecondTimerDelays = false
    ) => new(policy, (TicketCreated)created, compaction, stored, wholeSecondTimerDelays);

    /// <summary>Raises the signal on the running instance.</summary>
    public void Raise(TicketEvent e)
    {
        Host.Raise(new SlaSignal(e));
        Signals++;
    }

    /// <summary>
    /// What the host does with a ticket event: raise it on the running instance, or, once the instance has
    /// completed, start a new execution from the persisted snapshot with the event as its first signal.
    /// </summary>
    public void Send(TicketEvent e)
    {
        if (Host.IsRunning)
        {
            Raise(e);
            return;
        }

        Host.Start(Input(Store.Snapshot, [new SlaSignal(e)]));
        Signals++;
    }

    /// <summary>
    /// Sends each event at its instant (events at one instant together), then runs the clock to the scenario's end.
    /// </summary>
    public static TicketSlaHarness Play(Scenario scenario, HistoryCompaction? compaction = null)
    {
        var harness = Start(scenario.Policy, scenario.Events[0], compaction);
        foreach (var group in scenario.Events.Skip(1).Where(e => e.At <= scenario.AsOf).GroupBy(e => e.At))
        {
            harness.Host.AdvanceTo(group.Key);
            foreach (var e in group)
            {
                harness.Send(e);
            }

            harness.Host.Settle();
        }

        harness.Host.RunUntil(scenario.AsOf);
        return harness;
    }

    public TicketSla Sla => TicketSla.Restore(policy.Compile(), Store.Snapshot);

    /// <summary>
    /// A new execution's input as the host writes it (<c>DurableTicket.Input</c>): on the current version.
    /// </summary>
    private TicketSlaInput Input(SlaSnapshot snapshot, ImmutableArray<SlaSignal> signals) =>
        new(ticket, policy, snapshot, signals) { Compaction = compaction, Version = TicketSlaWorkflow.CurrentVersion };
}

using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Api;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rendering;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tests.Workflow.Replay;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Testing.Samples;
using Xunit.Abstractions;

namespace SlaFunctions.Core.Tests.Workflow;

/// <summary>
/// The orchestration's snapshot stays bounded however many commands its ticket takes (docs/decisions/0007).
/// </summary>
public class TicketSlaHistoryBoundsTests(ITestOutputHelper output)
{
    private const int Commands = 10_000;

    private static readonly TicketKey Ticket = new("tenant-1", "ticket-1");

    /// <summary>
    /// 10,000 pause and resume signals a minute apart on the replaying host, with the host's compaction: the
    /// persisted snapshot holds at most the settled events not yet compacted and those of the settled window, and
    /// stays as large as in the first thousand; each ContinueAsNew input carries exactly the snapshot last
    /// persisted; the phases, pauses and notifications are those of the uncompacted fold.
    /// </summary>
    [Fact]
    public void Ten_thousand_signals_leave_the_orchestrations_snapshot_bounded_and_its_answers_unchanged()
    {
        var s = TicketScenario
            .NewYork9To5()
            .Target("P2", response: 240, resolution: 960, escalations: [110, 150])
            .Created("2026-06-08 09:00", "P2");
        var compaction = HistoryCompaction.Default;
        var mostEvents = compaction.AfterEvents + (int)(compaction.SettledAfter / Duration.FromMinutes(1)) + 1;
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0], compaction);
        var events = new List<TicketEvent> { s.Events[0] };
        var (firstBytes, lastBytes) = (0, 0);
        for (var i = 1; i <= Commands; i++)
        {
            var at = s.Events[0].At + Duration.FromMinutes(i);
            harness.Host.AdvanceTo(at);
            TicketEvent e = i % 2 == 1 ? new TicketPaused(at, "vendor") : new TicketResumed(at, "vendor");
            events.Add(e);
            harness.Raise(e);
            harness.Host.Settle();

            var stored = harness.Store.Snapshot;
            Assert.True(stored.Events.Length <= mostEvents, $"{stored.Events.Length} events stored after {i} signals");
            if (i % 10 == 0 && (i <= 1_000 || i > Commands - 1_000))
            {
                var bytes = SlaJson.Serialize(stored).Length;
                firstBytes = i <= 1_000 ? Math.Max(firstBytes, bytes) : firstBytes;
                lastBytes = i > 1_000 ? Math.Max(lastBytes, bytes) : lastBytes;
            }
        }

        var asOf = events[^1].At;
        var expected = ScenarioRunner.Run(new Scenario(s.Policy, [.. events], asOf));
        var status = harness.Sla.StatusAt(asOf);
        var before = Uncompacted(s.Policy, events, asOf);
        var (last, beforeStatus) = (harness.Store.Snapshot, before.StatusAt(asOf));
        output.WriteLine(
            $"stored snapshot: {last.Events.Length} events, {SlaJson.Serialize(last).Length} bytes (at most {firstBytes} "
                + $"in the first 1,000 signals, {lastBytes} in the last); "
                + $"uncompacted: {before.Events.Length} events, {SlaJson.Serialize(before.ToSnapshot()).Length} bytes"
        );
        output.WriteLine(
            $"status body {StatusBytes(status, asOf)} bytes (uncompacted {StatusBytes(beforeStatus, asOf)}), "
                + $"timeline {TimelineSvg.Render(status, s.Policy).Length} characters "
                + $"(uncompacted {TimelineSvg.Render(beforeStatus, s.Policy).Length})"
        );

        Assert.InRange(lastBytes, 1, firstBytes + 2_000);
        Assert.True(harness.Host.Executions.Count > Commands / TicketSlaWorkflow.RoundsPerExecution);
        Assert.All(
            harness.Host.Executions.SkipLast(1),
            execution =>
            {
                var next = DurableJson.Deserialize<TicketSlaInput>(
                    execution.OfType<ExecutionContinued>().Single().Input
                );
                var persisted = DurableJson.Deserialize<PersistSlaRequest>(
                    execution.OfType<TaskScheduled>().Last(t => t.Name == SlaActivities.Persist.Name).Input
                );
                Assert.Equal(SlaJson.Serialize(persisted.Snapshot), SlaJson.Serialize(next.Snapshot));
                Assert.Equal(compaction, next.Compaction);
            }
        );
        Assert.All(harness.Store.Audit, a => Assert.Equal(SignalOutcome.Applied, a.Outcome));
        Assert.Equal(Commands, harness.Store.Audit.Count);
        Assert.Empty(harness.Host.LostSignals);

        Assert.Equal(expected.Phases.ToArray(), status.Phases.ToArray());
        Assert.Equal(expected.Notifications.ToArray(), status.Notifications.ToArray());
        Assert.Equal(expected.Notifications, harness.Store.Published);
        Assert.Contains(
            harness.Store.Published,
            n => n.Phase == SlaPhase.Resolution && n.Kind == NotificationKind.Breach
        );
        Assert.Equal(expected.Pauses.Length, harness.Sla.Checkpoint!.OmittedPauses + status.Pauses.Length);
        Assert.Equal(expected.Pauses.TakeLast(status.Pauses.Length), status.Pauses);
    }

    /// <summary>
    /// The ticket as a workflow that does not compact holds it: every event, each notification fired on time.
    /// </summary>
    private static TicketSla Uncompacted(SlaPolicy policy, List<TicketEvent> events, Instant asOf)
    {
        var sla = TicketSla.Start(policy, (TicketCreated)events[0]);
        foreach (var e in events.Skip(1).Append(null))
        {
            while (sla.NextWakeAt is { } wake && (e is null ? wake <= asOf : wake < e.At))
            {
                sla = sla.FireDue(wake).Sla;
            }

            sla = e is null ? sla : sla.Apply(e).Sla;
        }

        return sla;
    }

    private static int StatusBytes(SlaStatus status, Instant now)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            StatusJson.Write(json, Ticket, status, now);
        }

        return (int)buffer.Length;
    }
}

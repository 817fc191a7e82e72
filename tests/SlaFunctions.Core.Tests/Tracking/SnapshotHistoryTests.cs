using NodaTime;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Tracking;

public class SnapshotHistoryTests
{
    private static readonly TicketScenario Scenario = TicketScenario
        .NewYork9To5()
        .Target("P1", response: 60, resolution: 480)
        .Pausing("awaiting_client")
        .Created("2026-06-08 09:00", "P1");

    private static TicketSla Started => TicketSla.Start(Scenario.Policy, (TicketCreated)Scenario.Events[0]);

    [Fact]
    public void A_snapshot_covers_its_past_and_not_the_other_way_round()
    {
        var before = Started;
        var after = before
            .Apply(new TicketResponded(Scenario.Local("2026-06-08 09:20")) { Id = "r" })
            .Sla.FireDue(Scenario.Local("2026-06-08 10:00"))
            .Sla;

        Assert.True(SnapshotHistory.Covers(after.ToSnapshot(), before.ToSnapshot()));
        Assert.False(SnapshotHistory.Covers(before.ToSnapshot(), after.ToSnapshot()));
        Assert.True(SnapshotHistory.Same(after.ToSnapshot(), after.ToSnapshot() with { }));
    }

    [Fact]
    public void Branches_that_each_hold_something_the_other_lacks_cover_neither()
    {
        var a = Started.Apply(new TicketResponded(Scenario.Local("2026-06-08 09:20"))).Sla.ToSnapshot();
        var b = Started
            .Apply(new TicketStatusChanged(Scenario.Local("2026-06-08 09:20"), "awaiting_client"))
            .Sla.ToSnapshot();

        Assert.False(SnapshotHistory.Covers(a, b));
        Assert.False(SnapshotHistory.Covers(b, a));
    }

    [Fact]
    public void Fired_notifications_count_as_history()
    {
        var quiet = Started.ToSnapshot();
        var fired = Started.FireDue(Scenario.Local("2026-06-08 09:45")).Sla.ToSnapshot();

        Assert.False(SnapshotHistory.Covers(quiet, fired));
        Assert.True(SnapshotHistory.Contains(fired, Scenario.Events[0]));
    }

    [Fact]
    public void A_compacted_snapshot_covers_the_uncompacted_history_it_was_folded_from_and_not_the_other_way_round()
    {
        var history = Paused(Started, "09:05", "09:10", "09:15", "09:20");
        var compacted = history.Compact(Scenario.Local("2026-06-08 09:12"));
        Assert.NotNull(compacted.Checkpoint);

        Assert.True(SnapshotHistory.Covers(compacted.ToSnapshot(), history.ToSnapshot()));
        Assert.False(SnapshotHistory.Covers(history.ToSnapshot(), compacted.ToSnapshot()));
        Assert.False(SnapshotHistory.Same(compacted.ToSnapshot(), history.ToSnapshot()));
        Assert.True(SnapshotHistory.Same(compacted.ToSnapshot(), compacted.ToSnapshot() with { }));
    }

    [Fact]
    public void A_later_checkpoint_covers_an_earlier_one_of_the_same_history_and_an_earlier_one_never_covers_a_later()
    {
        var history = Paused(Started, "09:05", "09:10", "09:15", "09:20");
        var early = history.Compact(Scenario.Local("2026-06-08 09:07"));
        var late = Paused(early, "09:25").Compact(Scenario.Local("2026-06-08 09:17"));

        Assert.True(SnapshotHistory.Covers(late.ToSnapshot(), early.ToSnapshot()));
        Assert.False(SnapshotHistory.Covers(early.ToSnapshot(), late.ToSnapshot()));
    }

    [Fact]
    public void A_compacted_snapshot_does_not_cover_a_newer_one_holding_an_event_it_lacks_after_or_before_its_checkpoint()
    {
        var stale = Paused(Started, "09:05", "09:10");
        var newer = Paused(stale, "09:15", "09:20").ToSnapshot();

        // Folded up to 09:17 without the events of 09:15 (before its checkpoint) and 09:20 (after it).
        Assert.False(SnapshotHistory.Covers(stale.Compact(Scenario.Local("2026-06-08 09:17")).ToSnapshot(), newer));
        // Folded up to 09:12: holds everything the newer one has before it, not its events after it.
        Assert.False(SnapshotHistory.Covers(stale.Compact(Scenario.Local("2026-06-08 09:12")).ToSnapshot(), newer));
        // Folded past every event of the newer one, from a history that never had those of 09:15 and 09:20.
        var other = Paused(stale, "09:25").Compact(Scenario.Local("2026-06-08 09:27"));
        Assert.False(SnapshotHistory.Covers(other.ToSnapshot(), newer));
    }

    [Fact]
    public void An_event_dated_before_the_checkpoint_counts_as_held_because_it_was_folded()
    {
        var history = Paused(Started, "09:05", "09:10", "09:15");
        var compacted = history.Compact(Scenario.Local("2026-06-08 09:12")).ToSnapshot();

        Assert.True(SnapshotHistory.Contains(compacted, history.Events[1]));
        Assert.True(SnapshotHistory.Contains(compacted, history.Events[3]));
        Assert.False(
            SnapshotHistory.Contains(compacted, new TicketResumed(Scenario.Local("2026-06-08 09:16"), "vendor"))
        );
    }

    /// <summary>
    /// A pause (reason "vendor") at :05, :15, :25 … and a resume at :10, :20 … of 2026-06-08 at each given time, each
    /// with an id.
    /// </summary>
    private static TicketSla Paused(TicketSla sla, params string[] times)
    {
        foreach (var time in times)
        {
            var at = Scenario.Local($"2026-06-08 {time}");
            TicketEvent e =
                int.Parse(time[3..]) / 5 % 2 == 1
                    ? new TicketPaused(at, "vendor") { Id = time }
                    : new TicketResumed(at, "vendor") { Id = time };
            sla = sla.Apply(e).Sla;
        }

        return sla;
    }
}

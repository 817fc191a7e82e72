using NodaTime;
using SlaFunctions.Core.Durable;
using SlaFunctions.Core.Tests.Support;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Tests.Workflow.Durable;

public class SnapshotHistoryTests
{
    private static readonly TicketScenario Scenario = TicketScenario.NewYork9To5()
        .Target("P1", response: 60, resolution: 480)
        .Pausing("awaiting_client")
        .Created("2026-06-08 09:00", "P1");

    private static TicketSla Started => TicketSla.Start(Scenario.Policy, (TicketCreated)Scenario.Events[0]);

    [Fact]
    public void A_snapshot_covers_its_past_and_not_the_other_way_round()
    {
        var before = Started;
        var after = before.Apply(new TicketResponded(Scenario.Local("2026-06-08 09:20")) { Id = "r" }).Sla.FireDue(Scenario.Local("2026-06-08 10:00")).Sla;

        Assert.True(SnapshotHistory.Covers(after.ToSnapshot(), before.ToSnapshot()));
        Assert.False(SnapshotHistory.Covers(before.ToSnapshot(), after.ToSnapshot()));
        Assert.True(SnapshotHistory.Same(after.ToSnapshot(), after.ToSnapshot() with { }));
    }

    [Fact]
    public void Branches_that_each_hold_something_the_other_lacks_cover_neither()
    {
        var a = Started.Apply(new TicketResponded(Scenario.Local("2026-06-08 09:20"))).Sla.ToSnapshot();
        var b = Started.Apply(new TicketStatusChanged(Scenario.Local("2026-06-08 09:20"), "awaiting_client")).Sla.ToSnapshot();

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
    public void A_prediction_is_what_the_orchestration_will_store_and_refuses_what_it_would_reject()
    {
        var now = Scenario.Local("2026-06-08 09:50");
        var e = new TicketStatusChanged(now, "awaiting_client") { Id = "s" };

        var change = SignalPrediction.Predict(Started, e, now, Duration.FromMinutes(1));

        Assert.Equal(EventEffect.Applied, change.Effect);
        var expected = Started.Apply(e).Sla.FireDue(now).Sla.StatusAt(now);
        Assert.Equal(expected.Phases.ToArray(), change.Status.Phases.ToArray());
        Assert.Equal(expected.Notifications.ToArray(), change.Status.Notifications.ToArray());
        Assert.Equal([50m, 75m], change.Fired.Select(f => f.Percent));
        Assert.Equal(EventEffect.Duplicate, SignalPrediction.Predict(Started.Apply(e).Sla, e, now, Duration.Zero).Effect);
        Assert.Throws<InvalidInputException>(() => SignalPrediction.Predict(Started, e with { At = now + Duration.FromMinutes(2) }, now, Duration.FromMinutes(1)));
        Assert.Throws<InvalidInputException>(() => SignalPrediction.Predict(Started, new TicketPriorityChanged(now, "P9"), now, Duration.Zero));
    }
}

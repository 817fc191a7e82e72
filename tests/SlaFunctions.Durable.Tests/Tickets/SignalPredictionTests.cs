using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Durable.Tickets;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Durable.Tests.Tickets;

public class SignalPredictionTests
{
    private static readonly TicketScenario Scenario = TicketScenario
        .NewYork9To5()
        .Target("P1", response: 60, resolution: 480)
        .Pausing("awaiting_client")
        .Created("2026-06-08 09:00", "P1");

    private static TicketSla Started => TicketSla.Start(Scenario.Policy, (TicketCreated)Scenario.Events[0]);

    [Fact]
    public void A_prediction_is_what_the_orchestration_will_store_and_refuses_what_it_would_reject()
    {
        var now = Scenario.Local("2026-06-08 09:50");
        var e = new TicketStatusChanged(now, "awaiting_client") { Id = "s" };

        var change = SignalPrediction.Predict(Started, e, Received(now), Duration.FromMinutes(1));

        Assert.Equal(EventEffect.Applied, change.Effect);
        var expected = Started.Apply(e).Sla.FireDue(now).Sla.StatusAt(now);
        Assert.Equal(expected.Phases.ToArray(), change.Status.Phases.ToArray());
        Assert.Equal(expected.Notifications.ToArray(), change.Status.Notifications.ToArray());
        Assert.Equal([50m, 75m], change.Fired.Select(f => f.Percent));
        Assert.Equal(
            EventEffect.Duplicate,
            SignalPrediction.Predict(Started.Apply(e).Sla, e, Received(now), Duration.Zero).Effect
        );
        Assert.Throws<InvalidInputException>(() =>
            SignalPrediction.Predict(
                Started,
                e with
                {
                    At = now + Duration.FromMinutes(2),
                },
                Received(now),
                Duration.FromMinutes(1)
            )
        );
        Assert.Throws<InvalidInputException>(() =>
            SignalPrediction.Predict(Started, new TicketPriorityChanged(now, "P9"), Received(now), Duration.Zero)
        );
    }

    private static Receipt Received(Instant now) => new(now, TenantSettings.Default.LateEventTolerance);
}

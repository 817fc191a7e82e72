using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Correlation;
using static SlaFunctions.Testing.Events.Samples;

namespace SlaFunctions.Durable.Tests.Correlation;

/// <summary>The operations of the correlation entity of key "T-42", as the entity runs them: one at a time.</summary>
public class CorrelationEntityOpsTests
{
    private const string Key = "T-42";

    private static readonly Instant Now = At("2026-03-09T12:00:00Z");

    private static readonly EventRouter Router = new(
        EventSettings.Default with
        {
            ParkingWindow = Duration.FromDays(7),
        }
    );

    private static readonly TicketKey Ticket = new("acme", "T-42");

    [Fact]
    public void An_event_before_any_subscription_is_parked_and_starts_the_expiry_chain()
    {
        var step = CorrelationEntityOps.Receive(
            CorrelationIndex.Empty,
            Event("e1", "2026-03-09T11:00:00Z"),
            Now,
            Router
        );

        Assert.Null(step.Work);
        Assert.Single(step.Index.Parked);
        Assert.Equal(Now + Duration.FromDays(7), step.ExpireAt);
    }

    [Fact]
    public void A_second_parked_event_joins_the_running_chain()
    {
        var first = CorrelationEntityOps.Receive(
            CorrelationIndex.Empty,
            Event("e1", "2026-03-09T11:00:00Z"),
            Now,
            Router
        );

        var second = CorrelationEntityOps.Receive(
            first.Index,
            Event("e2", "2026-03-09T11:30:00Z"),
            Now + Duration.FromMinutes(1),
            Router
        );

        Assert.Null(second.ExpireAt);
        Assert.Equal(2, second.Index.Parked.Length);
    }

    [Fact]
    public void A_subscription_hands_the_parked_events_to_the_ticket_in_order_of_occurrence()
    {
        var index = CorrelationEntityOps
            .Receive(CorrelationIndex.Empty, Event("late", "2026-03-09T11:00:00Z"), Now, Router)
            .Index;
        index = CorrelationEntityOps.Receive(index, Event("early", "2026-03-09T10:00:00Z"), Now, Router).Index;

        var step = CorrelationEntityOps.Subscribe(index, new Subscription(Key, Ticket), Router);

        Assert.Empty(step.Index.Parked);
        Assert.Equal([Ticket], step.Index.Subscribers.ToArray());
        Assert.Equal(["early", "late"], step.Work!.Signals.Select(s => s.Signal.Event.Id));
        Assert.All(step.Work.Signals, s => Assert.Equal(Ticket, s.Ticket));
        Assert.IsType<TicketStatusChanged>(step.Work.Signals[0].Signal.Event);
    }

    [Fact]
    public void After_a_subscription_events_go_to_every_subscriber_and_nothing_is_parked()
    {
        var other = new TicketKey("acme", "T-43");
        var index = CorrelationEntityOps.Subscribe(CorrelationIndex.Empty, new Subscription(Key, Ticket), Router).Index;
        index = CorrelationEntityOps.Subscribe(index, new Subscription(Key, other), Router).Index;

        var step = CorrelationEntityOps.Receive(index, Event("e1", "2026-03-09T11:00:00Z"), Now, Router);

        Assert.Empty(step.Index.Parked);
        Assert.Equal([Ticket, other], step.Work!.Signals.Select(s => s.Ticket));
        Assert.Null(step.ExpireAt);
    }

    [Fact]
    public void A_subscription_with_nothing_parked_has_no_work()
    {
        var step = CorrelationEntityOps.Subscribe(CorrelationIndex.Empty, new Subscription(Key, Ticket), Router);

        Assert.Null(step.Work);
        Assert.Equal(
            step.Index,
            CorrelationEntityOps.Subscribe(step.Index, new Subscription(Key, Ticket), Router).Index
        );
    }

    [Fact]
    public void Expired_events_are_dead_lettered_as_parking_expired_and_the_chain_moves_to_the_next()
    {
        var index = CorrelationEntityOps
            .Receive(CorrelationIndex.Empty, Event("e1", "2026-03-09T11:00:00Z"), Now, Router)
            .Index;
        index = CorrelationEntityOps
            .Receive(index, Event("e2", "2026-03-09T11:00:00Z"), Now + Duration.FromHours(1), Router)
            .Index;

        var step = CorrelationEntityOps.Expire(index, "acme/T-42", Now + Duration.FromDays(7));

        var letter = Assert.Single(step.Work!.DeadLetters);
        Assert.Equal(("acme", "e1", DeadLetterReason.ParkingExpired), (letter.TenantId, letter.EventId, letter.Reason));
        Assert.Contains("\"eventId\":\"e1\"", letter.Payload, StringComparison.Ordinal);
        Assert.Equal(Now + Duration.FromDays(7) + Duration.FromHours(1), step.ExpireAt);
        Assert.Single(step.Index.Parked);
    }

    [Fact]
    public void An_expiry_signal_with_nothing_due_ends_quietly()
    {
        var index = CorrelationEntityOps
            .Receive(CorrelationIndex.Empty, Event("e1", "2026-03-09T11:00:00Z"), Now, Router)
            .Index;

        var step = CorrelationEntityOps.Expire(index, "acme/T-42", Now + Duration.FromDays(1));

        Assert.Equal((null, null), (step.Work, step.ExpireAt));
        Assert.Equal(index, step.Index);
    }

    [Fact]
    public void An_event_the_mapping_now_refuses_is_dead_lettered_instead_of_delivered()
    {
        var index = CorrelationEntityOps
            .Receive(CorrelationIndex.Empty, Event("e1", "2026-03-09T11:00:00Z"), Now, Router)
            .Index;
        var stricter = new EventRouter(
            Router.Settings with
            {
                Commands = Router.Settings.Commands.Remove("TICKET_STATUS_CHANGED"),
            }
        );

        var step = CorrelationEntityOps.Subscribe(index, new Subscription(Key, Ticket), stricter);

        Assert.Empty(step.Work!.Signals);
        Assert.Equal(DeadLetterReason.UnknownEventType, Assert.Single(step.Work.DeadLetters).Reason);
    }

    [Fact]
    public void However_events_and_subscriptions_interleave_no_event_is_lost_or_delivered_twice()
    {
        // The model: an event goes to the tickets subscribed when it arrives; with none, it waits for the next
        // subscriber.
        var random = new Random(42);
        var tickets = new[] { Ticket, new TicketKey("acme", "T-43"), new TicketKey("acme", "T-44") };
        for (var run = 0; run < 500; run++)
        {
            var index = CorrelationIndex.Empty;
            var delivered = new List<(TicketKey Ticket, string EventId)>();
            var expected = new List<(TicketKey Ticket, string EventId)>();
            var subscribed = new List<TicketKey>();
            var waiting = new List<string>();
            for (var op = 0; op < 12; op++)
            {
                EntityStep step;
                if (random.Next(3) == 0)
                {
                    var ticket = tickets[random.Next(tickets.Length)];
                    if (!subscribed.Contains(ticket))
                    {
                        subscribed.Add(ticket);
                    }

                    expected.AddRange(waiting.Select(id => (ticket, id)));
                    waiting.Clear();
                    step = CorrelationEntityOps.Subscribe(index, new Subscription(Key, ticket), Router);
                }
                else
                {
                    var id = $"e{op}";
                    if (subscribed.Count == 0)
                    {
                        waiting.Add(id);
                    }

                    expected.AddRange(subscribed.Select(t => (t, id)));
                    step = CorrelationEntityOps.Receive(index, Event(id, "2026-03-09T11:00:00Z"), Now, Router);
                }

                index = step.Index;
                delivered.AddRange(step.Work?.Signals.Select(s => (s.Ticket, s.Signal.Event.Id!)) ?? []);
            }

            Assert.Equal(expected, delivered);
            Assert.Equal(waiting, index.Parked.Select(p => p.Envelope.EventId));
        }
    }

    private static CorrelatedEvent Event(string id, string at) =>
        new(
            Key,
            Envelope(
                "TICKET_STATUS_CHANGED",
                """{ "ticketId": "T-42", "newStatus": "awaiting_client" }""",
                eventId: id,
                at: at
            )
        );
}

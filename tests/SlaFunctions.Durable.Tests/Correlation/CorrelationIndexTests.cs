using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Durable.Correlation;
using static SlaFunctions.Testing.Events.Samples;

namespace SlaFunctions.Durable.Tests.Correlation;

public class CorrelationIndexTests
{
    private static readonly Duration Week = Duration.FromDays(7);

    private static readonly Instant Now = At("2026-03-09T12:00:00Z");

    private static readonly TicketKey Ticket = new("acme", "T-42");

    [Fact]
    public void Without_subscribers_an_event_is_parked_until_the_window_ends()
    {
        var e = Event("e1", "2026-03-09T11:00:00Z");

        var (index, deliverTo) = CorrelationIndex.Empty.Receive(e, Now, Week);

        Assert.Empty(deliverTo);
        Assert.Equal([new ParkedEvent(e, Now + Week)], index.Parked.ToArray());
        Assert.Equal(Now + Week, index.NextExpiry);
    }

    [Fact]
    public void A_subscriber_gets_the_parked_events_by_occurrence_then_arrival_and_they_are_cleared()
    {
        var index = CorrelationIndex
            .Empty.Park(Event("late", "2026-03-09T11:00:00Z"), Now, Week)
            .Park(Event("early-first", "2026-03-09T09:00:00Z"), Now, Week)
            .Park(Event("middle", "2026-03-09T10:00:00Z"), Now, Week)
            .Park(Event("early-second", "2026-03-09T09:00:00Z"), Now, Week);

        var (after, deliver) = index.Subscribe(Ticket);

        Assert.Equal(["early-first", "early-second", "middle", "late"], deliver.Select(e => e.EventId));
        Assert.Empty(after.Parked);
        Assert.Equal([Ticket], after.Subscribers.ToArray());
        Assert.Null(after.NextExpiry);
    }

    [Fact]
    public void Once_subscribed_events_go_to_every_subscriber_and_nothing_is_parked()
    {
        var second = new TicketKey("acme", "T-43");
        var (index, _) = CorrelationIndex.Empty.Subscribe(Ticket);
        (index, _) = index.Subscribe(second);

        var (after, deliverTo) = index.Receive(Event("e1", "2026-03-09T11:00:00Z"), Now, Week);

        Assert.Equal([Ticket, second], deliverTo.ToArray());
        Assert.Same(index, after);
    }

    [Fact]
    public void Subscribing_twice_subscribes_once_and_delivers_nothing_twice()
    {
        var (index, first) = CorrelationIndex
            .Empty.Park(Event("e1", "2026-03-09T11:00:00Z"), Now, Week)
            .Subscribe(Ticket);
        var (again, second) = index.Subscribe(Ticket);

        Assert.Single(first);
        Assert.Empty(second);
        Assert.Equal([Ticket], again.Subscribers.ToArray());
    }

    [Fact]
    public void A_duplicate_event_id_is_parked_once_with_its_first_expiry()
    {
        var index = CorrelationIndex
            .Empty.Park(Event("e1", "2026-03-09T11:00:00Z"), Now, Week)
            .Park(Event("e1", "2026-03-09T11:00:00Z"), Now + Duration.FromHours(1), Week);

        Assert.Equal(Now + Week, Assert.Single(index.Parked).ExpiresAt);
    }

    [Fact]
    public void Expired_events_are_removed_and_returned_the_others_stay()
    {
        var index = CorrelationIndex
            .Empty.Park(Event("old", "2026-03-01T00:00:00Z"), Now, Duration.FromDays(1))
            .Park(Event("older", "2026-02-28T00:00:00Z"), Now + Duration.FromHours(1), Duration.FromDays(1))
            .Park(Event("young", "2026-03-09T00:00:00Z"), Now, Week);

        var (before, none) = index.Expire(Now + Duration.FromDays(1) - Duration.Epsilon);
        var (after, expired) = index.Expire(Now + Duration.FromDays(1) + Duration.FromHours(1));

        Assert.Empty(none);
        Assert.Same(index, before);
        Assert.Equal(["older", "old"], expired.Select(e => e.EventId));
        Assert.Equal(["young"], after.Parked.Select(p => p.Envelope.EventId));
        Assert.Equal(Now + Week, after.NextExpiry);
    }

    [Fact]
    public void An_event_expires_exactly_at_the_end_of_its_window()
    {
        var index = CorrelationIndex.Empty.Park(Event("e1", "2026-03-09T11:00:00Z"), Now, Week);

        Assert.Single(index.Expire(Now + Week).Expired);
    }

    [Fact]
    public void Unsubscribing_the_last_ticket_leaves_an_empty_index()
    {
        var (index, _) = CorrelationIndex.Empty.Subscribe(Ticket);

        Assert.False(index.IsEmpty);
        Assert.True(index.Unsubscribe(Ticket).IsEmpty);
        Assert.Equal(CorrelationIndex.Empty, index.Unsubscribe(Ticket));
    }

    [Fact]
    public void A_window_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            CorrelationIndex.Empty.Park(Event("e1", "2026-03-09T11:00:00Z"), Now, Duration.Zero)
        );
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_state_round_trips_through_json_whatever_the_options(bool slaOptions)
    {
        var parked = CorrelationIndex
            .Empty.Park(
                Envelope(
                    "TICKET_STATUS_CHANGED",
                    """{ "ticketId": "T-42", "newStatus": "on_hold", "nested": { "n": [1, 2.50, null] } }""",
                    correlationKey: "crm-7",
                    eventId: "e1"
                ),
                Now,
                Week
            )
            .Park(Event("e2", "2026-03-09T11:30:00.123456789Z"), Now, Duration.FromDays(2))
            .Parked;
        var index = new CorrelationIndex([Ticket, new TicketKey("acme", "T-99")], parked);

        var json = slaOptions ? JsonSerializer.Serialize(index, SlaJson.Options) : JsonSerializer.Serialize(index);
        var back = slaOptions
            ? JsonSerializer.Deserialize<CorrelationIndex>(json, SlaJson.Options)
            : JsonSerializer.Deserialize<CorrelationIndex>(json);

        Assert.Equal(index, back);
        Assert.Contains("\"expiresAt\":\"2026-03-16T12:00:00Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"occurredAt\":\"2026-03-09T11:30:00.123456789Z\"", json, StringComparison.Ordinal);
        Assert.Equal(
            json,
            slaOptions ? JsonSerializer.Serialize(back, SlaJson.Options) : JsonSerializer.Serialize(back)
        );
    }

    [Fact]
    public void State_without_lists_reads_as_empty()
    {
        var index = JsonSerializer.Deserialize<CorrelationIndex>("{}")!;

        Assert.True(index.IsEmpty);
        Assert.Equal(CorrelationIndex.Empty, new CorrelationIndex());
    }

    private static EventEnvelope Event(string id, string occurredAt) =>
        Envelope("TICKET_STATUS_CHANGED", """{ "newStatus": "on_hold" }""", eventId: id, at: occurredAt);
}

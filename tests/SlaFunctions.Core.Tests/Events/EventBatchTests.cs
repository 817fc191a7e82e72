using System.Text.Json.Nodes;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Validation;
using static SlaFunctions.Testing.Events.Samples;

namespace SlaFunctions.Core.Tests.Events;

public class EventBatchTests
{
    [Fact]
    public void Each_item_is_read_on_its_own_and_a_bad_one_does_not_sink_the_others()
    {
        var batch = $"[{Plain}, {Edit(Plain, "eventId=-")}, {CloudEvent}, 42, {Edit(Plain, "payload.ticketId=7")}]";

        var items = EventBatch.Read(batch, "acme");

        Assert.Equal([true, false, true, false, true], items.Select(i => i.IsAccepted));
        Assert.Equal([0, 1, 2, 3, 4], items.Select(i => i.Index));
        Assert.Equal("evt-2002", items[2].Envelope!.EventId);
        Assert.Equal(
            new Rejection(DeadLetterReason.InvalidEnvelope, "$[1].eventId", "is required"),
            items[1].Rejection
        );
        Assert.Equal("$[3]", items[3].Rejection!.Path);
    }

    [Theory]
    [InlineData("payload.newStatus", "\"\\ud800\"", "$[1].payload.newStatus")]
    [InlineData("payload.newStatus", "1e1000000", "$[1].payload.newStatus")]
    [InlineData("payload.note", "\"a\\u0000\"", "$[1].payload.note")]
    [InlineData("eventId", "\"evt\\u0000x\"", "$[1].eventId")]
    [InlineData("eventId", "\"\\udc00\"", "$[1].eventId")]
    public void An_unsound_item_is_refused_alone_and_its_unusable_id_is_not_kept(
        string field,
        string value,
        string path
    )
    {
        var bad = Edit(Plain, $"{field}=\"@@\"").Replace("\"@@\"", value, StringComparison.Ordinal);

        var items = EventBatch.Read($"[{Plain}, {bad}, {CloudEvent}]", "acme");

        Assert.Equal([true, false, true], items.Select(i => i.IsAccepted));
        Assert.Equal((DeadLetterReason.InvalidEnvelope, path), (items[1].Rejection!.Reason, items[1].Rejection!.Path));
        Assert.Equal(field == "eventId" ? null : "evt-1001", items[1].EventId);
    }

    [Fact]
    public void An_item_with_a_key_twice_is_refused_alone_naming_the_key()
    {
        var twice = Plain.Replace(
            "\"tenantId\": \"acme\",",
            "\"tenantId\": \"acme\", \"eventType\": \"TICKET_DELETED\",",
            StringComparison.Ordinal
        );

        var items = EventBatch.Read($"[{Plain}, {twice}]", "acme");

        Assert.True(items[0].IsAccepted);
        Assert.Equal("$[1].eventType", items[1].Rejection!.Path);
        Assert.Contains("twice", items[1].Rejection!.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_item_of_another_tenant_is_refused_at_its_tenant_field()
    {
        var items = EventBatch.Read(
            $"[{Plain}, {Edit(Plain, "tenantId=\"globex\"")}, {Edit(CloudEvent, "tenantid=\"globex\"")}]",
            "acme"
        );

        Assert.True(items[0].IsAccepted);
        Assert.Equal(
            (DeadLetterReason.InvalidEnvelope, "$[1].tenantId"),
            (items[1].Rejection!.Reason, items[1].Rejection!.Path)
        );
        Assert.Equal("$[2].tenantid", items[2].Rejection!.Path);
    }

    [Fact]
    public void Tenants_are_compared_exactly()
    {
        Assert.False(Assert.Single(EventBatch.Read($"[{Plain}]", "ACME")).IsAccepted);
    }

    [Fact]
    public void A_batch_of_500_is_accepted_and_501_is_refused_as_a_whole()
    {
        Assert.Equal(500, EventBatch.Read(Batch(500), "acme").Count(i => i.IsAccepted));

        var error = Assert.Throws<InvalidInputException>(() => EventBatch.Read(Batch(501), "acme"));
        Assert.Equal("$: must hold 1 to 500 events (got 501)", error.Message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("[{]")]
    [InlineData("")]
    public void A_body_that_is_not_an_array_of_events_is_refused_at_the_root(string body)
    {
        Assert.Equal("$", Assert.Throws<InvalidInputException>(() => EventBatch.Read(body, "acme")).Path);
    }

    [Fact]
    public void An_item_rejection_from_routing_is_placed_under_the_item()
    {
        var item = EventBatch.Read($"[{Plain}, {Edit(Plain, "eventType=\"TICKET_EXPLODED\"")}]", "acme")[1];

        var rejected = Assert.IsType<RejectedEvent>(new EventRouter(EventSettings.Default).Route(item.Envelope!));

        Assert.Equal("$[1].eventType", rejected.Rejection.Under(item.Path).Path);
    }

    private static string Batch(int count)
    {
        var array = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var e = JsonNode.Parse(Plain)!;
            e["eventId"] = $"evt-{Text(i)}";
            array.Add(e);
        }

        return array.ToJsonString();
    }
}

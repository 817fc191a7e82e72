using System.Text.Json;
using System.Text.Json.Nodes;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Correlation;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Durable.Orchestrations;
using SlaFunctions.Testing.Events;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Durable.Tests.Orchestrations;

/// <summary>
/// The worker serializer: every durable payload round-trips, and binding payloads with extra members still read.
/// </summary>
public class DurableJsonTests
{
    [Fact]
    public void Orchestration_inputs_signals_and_entity_inputs_round_trip()
    {
        var scenario = TicketScenario.NewYork9To5().Target("P1", response: 60).Created("2026-06-08 09:00", "P1");
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)scenario.Events[0]);
        var signal = new SlaSignal(
            new TicketPaused(scenario.Local("2026-06-08 10:00"), "awaiting_client") { Id = "p1" }
        );
        var input = new TicketSlaInput(
            new TicketKey("acme", "T-1"),
            PolicyDefinitions.From(scenario.Policy),
            sla.ToSnapshot(),
            [signal]
        )
        {
            Compaction = new HistoryCompaction(NodaTime.Duration.FromMinutes(5), 20),
        };

        var back = RoundTrip(input);
        var entityInput = RoundTrip(
            new CorrelatedEvent("T-42", Samples.Envelope("TICKET_RESOLVED", """{ "ticketId": "T-42" }"""))
        );

        Assert.Equal(input.Ticket, back.Ticket);
        Assert.Equal(input.Policy, back.Policy);
        Assert.Equal(input.Snapshot.Events.ToArray(), back.Snapshot.Events.ToArray());
        Assert.Equal([signal], back.Signals.ToArray());
        Assert.Equal(input.Compaction, back.Compaction);
        var written = JsonNode.Parse(JsonSerializer.Serialize(input, DurableJson.Options))!.AsObject();
        Assert.True(written.Remove("compaction"));
        Assert.Null(
            JsonSerializer.Deserialize<TicketSlaInput>(written.ToJsonString(), DurableJson.Options)!.Compaction
        ); // an older input
        Assert.Equal("T-42", entityInput.CorrelationKey);
        Assert.Equal("TICKET_RESOLVED", entityInput.Envelope.EventType);
        Assert.Equal(DeliveryReceipt.Raised, RoundTrip(DeliveryReceipt.Raised));
    }

    [Fact]
    public void An_orchestration_input_written_before_workflow_versions_existed_reads_as_version_1()
    {
        var scenario = TicketScenario.NewYork9To5().Target("P1", response: 60).Created("2026-06-08 09:00", "P1");
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)scenario.Events[0]);
        var input = new TicketSlaInput(
            new TicketKey("acme", "T-1"),
            PolicyDefinitions.From(scenario.Policy),
            sla.ToSnapshot(),
            []
        );
        var old = JsonNode.Parse(JsonSerializer.Serialize(input, DurableJson.Options))!.AsObject();
        Assert.True(old.Remove("version"));

        var read = JsonSerializer.Deserialize<TicketSlaInput>(old.ToJsonString(), DurableJson.Options)!;

        Assert.Equal(1, TicketSlaInput.VersionWhenAbsent);
        Assert.Equal(TicketSlaInput.VersionWhenAbsent, read.Version);
        Assert.Equal(
            TicketSlaWorkflow.CurrentVersion,
            RoundTrip(input with { Version = TicketSlaWorkflow.CurrentVersion }).Version
        );
    }

    [Fact]
    public void Unknown_members_of_binding_payloads_are_skipped()
    {
        var timer = JsonSerializer.Deserialize<TimerLike>(
            """{ "Schedule": { "AdjustForDST": true }, "IsPastDue": true }""",
            DurableJson.Options
        )!;

        Assert.True(timer.IsPastDue);
    }

    [Fact]
    public void A_delivery_id_is_stable_per_ticket_and_event_and_valid_for_durable()
    {
        var id = SlaInstanceId.ForDelivery(new TicketKey("acme", "T/1"), "evt-1");

        Assert.Equal(id, SlaInstanceId.ForDelivery(new TicketKey("acme", "T/1"), "evt-1"));
        Assert.NotEqual(id, SlaInstanceId.ForDelivery(new TicketKey("acme", "T/1"), "evt-2"));
        Assert.Matches("^dlv-[0-9a-f]{64}$", id);
    }

    private static T RoundTrip<T>(T value) =>
        JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, DurableJson.Options), DurableJson.Options)!;

    public sealed class TimerLike
    {
        public bool IsPastDue { get; set; }
    }
}

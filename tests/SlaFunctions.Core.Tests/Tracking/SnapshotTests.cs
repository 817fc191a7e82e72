using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Tracking;

public class SnapshotTests
{
    [Fact]
    public void A_snapshot_round_trips_exactly_and_restores_the_same_sla()
    {
        Prop.ForAll(
                ScenarioGenerators.Scenario().ToArbitrary(),
                scenario =>
                {
                    var sla = Advance(scenario);
                    var json = SlaJson.Serialize(sla.ToSnapshot());
                    var restored = TicketSla.Restore(scenario.Policy, SlaJson.DeserializeSnapshot(json));

                    return SlaJson.Serialize(restored.ToSnapshot()) == json
                        && restored.NextWakeAt == sla.NextWakeAt
                        && restored.StatusAt(scenario.AsOf).Phases.SequenceEqual(sla.StatusAt(scenario.AsOf).Phases)
                        && restored.Fired.SequenceEqual(sla.Fired);
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void The_snapshot_format_is_stable()
    {
        var scenario = TicketScenario
            .NewYork9To5()
            .Target("P1", response: 60)
            .Created("2026-06-08 09:00", "P1")
            .Pause("2026-06-08 09:40", "vendor");
        var sla = TicketSla
            .Start(scenario.Policy, (TicketCreated)scenario.Events[0])
            .Apply(scenario.Events[1] with { Id = "e-1" })
            .Sla;
        sla = sla.FireDue(scenario.Local("2026-06-08 09:41")).Sla;

        Assert.Equal(
            """{"policy":{"id":"test","version":1},"events":[{"type":"created","at":"2026-06-08T13:00:00Z","priority":"P1"},{"type":"pause","at":"2026-06-08T13:40:00Z","id":"e-1","reason":"vendor"}],"fired":[{"phase":"response","cycle":1,"kind":"warning","percent":50,"level":null,"dueAt":"2026-06-08T13:30:00Z","firedAt":"2026-06-08T13:41:00Z"}]}""",
            SlaJson.Serialize(sla.ToSnapshot())
        );
        Assert.Equal(
            sla.Events.AsEnumerable(),
            SlaJson.DeserializeSnapshot(SlaJson.Serialize(sla.ToSnapshot())).Events.AsEnumerable()
        );
    }

    [Fact]
    public void A_rollouts_change_round_trips_with_its_definition_and_is_never_compacted_away()
    {
        const string calendar = """{ "timeZone": "UTC", "is24x7": true }""";
        static string Policy(int responseMinutes) =>
            $$"""{ "calendar": "c", "targets": { "P1": { "responseMinutes": {{responseMinutes}}, "resolutionMinutes": 240 } } }""";
        var start = Instant.FromUtc(2026, 6, 8, 13, 0);
        var v1 = new PolicyDefinition(new PolicyRef("p", 1), Policy(60), calendar).Compile();
        var v2 = new PolicyDefinition(new PolicyRef("p", 2), Policy(30), calendar);
        var sla = TicketSla
            .Start(v1, new TicketCreated(start, "P1"))
            .Apply(new TicketStatusChanged(start + Duration.FromMinutes(10), "open") { Id = "s-1" })
            .Sla.Apply(new TicketDefinitionsChanged(start + Duration.FromMinutes(20), v2) { Id = "rollout-1" })
            .Sla.Apply(new TicketStatusChanged(start + Duration.FromMinutes(25), "open") { Id = "s-2" })
            .Sla.FireDue(start + Duration.FromHours(5))
            .Sla;

        var json = SlaJson.Serialize(sla.ToSnapshot());
        var restored = TicketSla.Restore(v1, SlaJson.DeserializeSnapshot(json));
        var compacted = restored.Compact(start + Duration.FromHours(5));

        Assert.Contains("\"type\":\"definitions\"", json, StringComparison.Ordinal);
        Assert.Equal(sla.Events.AsEnumerable(), restored.Events.AsEnumerable());
        Assert.Equal(json, SlaJson.Serialize(restored.ToSnapshot()));
        Assert.Equal(new PolicyRef("p", 2), restored.PolicyAt(start + Duration.FromMinutes(21)).Ref);
        Assert.Equal(
            start + Duration.FromMinutes(30),
            restored.StatusAt(start + Duration.FromMinutes(21)).Phases.Single(p => p.Phase == SlaPhase.Response).DueAt
        );
        Assert.Contains(compacted.Events, e => e.Id == "rollout-1");
        Assert.Equal(
            restored.StatusAt(start + Duration.FromHours(5)).Phases.AsEnumerable(),
            compacted.StatusAt(start + Duration.FromHours(5)).Phases.AsEnumerable()
        );
    }

    [Fact]
    public void A_snapshot_bound_to_another_policy_version_is_refused()
    {
        var scenario = TicketScenario.NewYork9To5().Target("P1", response: 60).Created("2026-06-08 09:00", "P1");
        var snapshot = TicketSla.Start(scenario.Policy, (TicketCreated)scenario.Events[0]).ToSnapshot();

        Assert.Throws<ArgumentException>(() =>
            TicketSla.Restore(scenario.Policy, snapshot with { Policy = new("test", 2) })
        );
        Assert.Throws<System.Text.Json.JsonException>(() =>
            SlaJson.DeserializeSnapshot("""{"policy":{"id":"test","version":1},"events":[],"fired":[],"extra":1}""")
        );
    }

    private static TicketSla Advance(Scenario scenario)
    {
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)scenario.Events[0]);
        foreach (var e in scenario.Events.Skip(1))
        {
            sla = sla.FireDue(e.At).Sla.Apply(e with { Id = Guid.NewGuid().ToString() }).Sla;
        }

        return sla.FireDue(scenario.AsOf).Sla;
    }
}

using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Testing.Files;
using static SlaFunctions.Testing.Samples.BadScenarios;

namespace SlaFunctions.Core.Tests.Simulation;

/// <summary><c>simulate</c> with a <c>definitions</c> event (SPEC §3): the change applies at its instant.</summary>
public class DefinitionChangeScenarioTests
{
    // Monday 2026-06-08, 09:00 in New York is 13:00 UTC; P1's response target is 60 business minutes.
    private const string Events = """
        events=[
          { "at": "2026-06-08T13:00:00Z", "type": "created", "priority": "P1" },
          { "at": "2026-06-08T13:30:00Z", "type": "definitions",
            "policy": { "calendar": "ny", "targets": { "P1": { "responseMinutes": 120, "resolutionMinutes": 480 } } } }
        ]
        """;

    [Fact]
    public void A_longer_target_from_the_change_moves_the_due_instant_and_the_thresholds_not_yet_reached()
    {
        var status = Run(Events, "2026-06-08T15:30:00Z");

        var response = status.Phases.Single(p => p.Phase == SlaPhase.Response);
        Assert.Equal((Duration.FromHours(2), "2026-06-08T15:00:00Z"), (response.Target, response.DueAt.ToString()));
        // The old 50 % instant is the change's own: events at an instant apply first, so it never fires.
        Assert.Equal(
            [
                "warning 50 at 2026-06-08T14:00:00Z",
                "warning 75 at 2026-06-08T14:30:00Z",
                "warning 90 at 2026-06-08T14:48:00Z",
                "breach 100 at 2026-06-08T15:00:00Z",
            ],
            status
                .Notifications.Where(n => n.Phase == SlaPhase.Response)
                .Select(n => $"{n.Kind.ToString().ToLowerInvariant()} {n.Percent} at {n.DueAt}")
        );
    }

    [Fact]
    public void A_calendar_change_counts_from_the_change_on_the_new_hours()
    {
        // At 13:30 the ny calendar becomes open around the clock: the 30 minutes left fall at 13:30-14:00 either way,
        // but a response target of 480 minutes now ends at 21:00, not at 09:00 the next business morning.
        var json = Edit(
            Edit(File.ReadAllText(Repo.Path("samples/spec-example.json")), Events),
            "until=\"2026-06-08T22:00:00Z\""
        );
        json = Edit(
            json,
            """events[1]={ "at": "2026-06-08T13:30:00Z", "type": "definitions", "calendars": { "ny": { "timeZone": "America/New_York", "is24x7": true, "hours": [ { "day": "Monday", "start": "09:00", "end": "17:00" } ] } } }"""
        );
        var status = ScenarioRunner.Run(ScenarioJson.Read(json));

        var resolution = status.Phases.Single(p => p.Phase == SlaPhase.Resolution);
        Assert.Equal("2026-06-08T21:00:00Z", resolution.DueAt.ToString());
    }

    [Fact]
    public void After_a_cancellation_a_change_is_read_but_changes_nothing()
    {
        var status = Run(
            """
            events=[
              { "at": "2026-06-08T13:00:00Z", "type": "created", "priority": "P1" },
              { "at": "2026-06-08T13:10:00Z", "type": "cancelled" },
              { "at": "2026-06-08T13:20:00Z", "type": "priority", "priority": "P2" },
              { "at": "2026-06-08T13:30:00Z", "type": "definitions",
                "policy": { "calendar": "ny", "targets": { "P1": { "responseMinutes": 120 } } } }
            ]
            """,
            "2026-06-08T15:30:00Z"
        );

        Assert.All(status.Phases, p => Assert.Equal(PhaseOutcome.Cancelled, p.Outcome));
    }

    [Fact]
    public void Calendars_brought_by_definitions_events_count_with_the_scenarios_own()
    {
        var calendar =
            """{ "timeZone": "UTC", "is24x7": true, "hours": [ { "day": "Monday", "start": "09:00", "end": "17:00" } ] }""";
        var many = string.Join(",", Enumerable.Range(0, 10).Select(i => $"\"c{i}\": {calendar}"));
        var json = Edit(
            File.ReadAllText(Repo.Path("samples/spec-example.json")),
            $$"""events=[ { "at": "2026-06-08T13:00:00Z", "type": "created", "priority": "P1" }, { "at": "2026-06-08T13:30:00Z", "type": "definitions", "calendars": { {{many}} } } ]"""
        );

        var error = Assert.Throws<Validation.InvalidInputException>(() => ScenarioJson.Read(json));

        Assert.Equal("$.events[1].calendars", error.Path);
    }

    private static SlaStatus Run(string events, string until) =>
        ScenarioRunner.Run(
            ScenarioJson.Read(
                Edit(Edit(File.ReadAllText(Repo.Path("samples/spec-example.json")), events), $"until=\"{until}\"")
            )
        );
}

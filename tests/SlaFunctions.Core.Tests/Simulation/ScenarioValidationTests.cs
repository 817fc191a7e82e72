using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Validation;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Samples;
using static SlaFunctions.Testing.Samples.BadScenarios;

namespace SlaFunctions.Core.Tests.Simulation;

/// <summary>Every kind of bad scenario is refused with the JSON path at fault, never a crash.</summary>
public class ScenarioValidationTests
{
    public static TheoryData<string, string, string> Cases() => BadScenarios.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_scenario_is_refused_naming_the_path(string name, string edit, string path)
    {
        var scenario = Edit(File.ReadAllText(Repo.Path("samples/spec-example.json")), edit);

        var error = Assert.Throws<InvalidInputException>(() => ScenarioJson.Read(scenario));

        Assert.True(error.Path == path, $"{name}: expected {path}, got {error.Message}");
        Assert.DoesNotContain('\n', error.Message);
    }

    // A scenario spans at most ScenarioLimits' days, so each edge instant is tried on a ticket created next to it.
    [Theory]
    [InlineData("1900-01-01T00:00:00Z", "1900-01-31T00:00:00Z")]
    [InlineData("8999-12-01T00:00:00Z", "8999-12-31T23:59:59.999999999Z")]
    [InlineData("8999-12-01T00:00:00Z", "9000-01-01T00:59:59+01:00")]
    public void The_edges_of_the_accepted_instants_are_accepted_and_simulate(string createdAt, string until)
    {
        var json = Edit(
            File.ReadAllText(Repo.Path("samples/spec-example.json")),
            $$"""events=[{ "at": "{{createdAt}}", "type": "created", "priority": "P1" }]"""
        );
        var scenario = ScenarioJson.Read(Edit(json, $"until=\"{until}\""));

        Assert.NotEmpty(ScenarioRunner.Run(scenario).Phases);
    }

    [Theory]
    [InlineData("calendars.ny.holidays[0].date=\"1900-01-01\"")]
    [InlineData("calendars.ny.holidays[0].date=\"8999-12-31\"")]
    public void The_edges_of_the_accepted_holiday_dates_are_accepted_and_simulate(string edit)
    {
        var scenario = ScenarioJson.Read(Edit(File.ReadAllText(Repo.Path("samples/spec-example.json")), edit));

        Assert.NotEmpty(ScenarioRunner.Run(scenario).Phases);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    [InlineData("{\"calendars\": {}, }")]
    public void Malformed_json_is_refused_at_the_root(string json)
    {
        var error = Assert.Throws<InvalidInputException>(() => ScenarioJson.Read(json));

        Assert.Equal("$", error.Path);
    }

    [Fact]
    public void Deeply_nested_json_is_refused_without_a_crash()
    {
        var json = new string('[', 10_000) + new string(']', 10_000);

        Assert.Equal("$", Assert.Throws<InvalidInputException>(() => ScenarioJson.Read(json)).Path);
    }
}

using System.Text.Json.Nodes;
using SlaFunctions.SelfHost.Cli;
using SlaFunctions.Testing.Files;

namespace SlaFunctions.SelfHost.Tests.Cli;

/// <summary>The <c>simulate</c> verb on the SPEC §3 example: expected values worked out by hand from SPEC §2.</summary>
public class SimulateCommandTests
{
    [Fact]
    public void The_spec_example_simulates_to_the_values_worked_out_by_hand()
    {
        var (exit, stdout, stderr) = Simulate(Repo.Path("samples/spec-example.json"));

        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        // Open only on Mondays 09:00-17:00 New York (13:00-21:00Z on 2026-03-09, after spring-forward).
        // Response: 60 minutes reached at 14:00Z, the instant the pause starts, so the breach still fires;
        // level 3 (66 minutes) comes at 15:06Z after the pause ends at 15:00Z.
        var expected = JsonNode.Parse(
            """
            {
              "phases": [
                { "phase": "response", "cycle": 1, "target": "PT1H", "startedAt": "2026-03-06T20:30:00Z", "dueAt": "2026-03-09T14:00:00Z",
                  "completedAt": "2026-03-09T15:10:00Z", "outcome": "breached", "elapsed": "PT1H10M", "paused": "PT1H" },
                { "phase": "resolution", "cycle": 1, "target": "PT24H", "startedAt": "2026-03-06T20:30:00Z", "dueAt": "2026-03-30T14:00:00Z",
                  "completedAt": "2026-03-10T18:00:00Z", "outcome": "met", "elapsed": "PT7H", "paused": "PT1H" },
                { "phase": "resolution", "cycle": 2, "target": "PT24H", "startedAt": "2026-03-11T12:00:00Z", "dueAt": "2026-03-30T21:00:00Z",
                  "completedAt": null, "outcome": "running", "elapsed": "PT0S", "paused": "PT0S" }
              ],
              "notifications": [
                { "phase": "response", "cycle": 1, "kind": "warning", "percent": 50, "level": null, "at": "2026-03-09T13:30:00Z" },
                { "phase": "response", "cycle": 1, "kind": "escalation", "percent": 70, "level": 1, "at": "2026-03-09T13:42:00Z" },
                { "phase": "response", "cycle": 1, "kind": "warning", "percent": 75, "level": null, "at": "2026-03-09T13:45:00Z" },
                { "phase": "response", "cycle": 1, "kind": "warning", "percent": 90, "level": null, "at": "2026-03-09T13:54:00Z" },
                { "phase": "response", "cycle": 1, "kind": "escalation", "percent": 90, "level": 2, "at": "2026-03-09T13:54:00Z" },
                { "phase": "response", "cycle": 1, "kind": "breach", "percent": 100, "level": null, "at": "2026-03-09T14:00:00Z" },
                { "phase": "response", "cycle": 1, "kind": "escalation", "percent": 110, "level": 3, "at": "2026-03-09T15:06:00Z" }
              ],
              "pauses": [ { "from": "2026-03-09T14:00:00Z", "to": "2026-03-09T15:00:00Z", "status": "awaiting_client" } ]
            }
            """
        );
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(stdout)), stdout);
    }

    [Fact]
    public void Standard_input_is_read_with_a_dash()
    {
        var (exit, stdout, _) = Simulate("-", File.ReadAllText(Repo.Path("samples/weekday-ticket.json")));

        Assert.Equal(0, exit);
        Assert.Equal("met", JsonNode.Parse(stdout)!["phases"]![1]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public void Invalid_input_exits_with_2_and_one_line_naming_the_json_path()
    {
        var scenario = JsonNode.Parse(File.ReadAllText(Repo.Path("samples/spec-example.json")))!;
        scenario["events"]![2]!["at"] = "2026-03-01T00:00:00Z";

        var (exit, stdout, stderr) = Simulate("-", scenario.ToJsonString());

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.StartsWith("$.events[2].at: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_missing_file_exits_with_2()
    {
        var (exit, _, stderr) = Simulate("/no/such/scenario.json");

        Assert.Equal(2, exit);
        Assert.Contains("/no/such/scenario.json", stderr, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout, string Stderr) Simulate(string file, string stdin = "")
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = SimulateCommand.Run(file, input, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}

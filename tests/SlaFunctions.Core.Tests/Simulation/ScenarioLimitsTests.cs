using System.Diagnostics;
using System.Text.Json.Nodes;
using SlaFunctions.Core.Api;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Validation;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Simulation;

/// <summary>
/// What one <c>simulate</c> can cost: a bounded scenario, near-constant work per event, and a run that stops when
/// asked.
/// </summary>
public class ScenarioLimitsTests
{
    public static TheoryData<string, string> TooLarge() =>
        new()
        {
            // what is over its limit, and the path the error names
            { "events", "$.events" },
            { "calendars", "$.calendars" },
            { "intervals", "$.calendars.ny.hours" },
            { "holidays", "$.calendars.ny.holidays" },
            { "thresholds", "$.policy.thresholds" },
            { "escalations", "$.policy.targets.P1.escalations" },
            { "targets", "$.policy.targets" },
            { "span", "$.until" },
        };

    [Theory]
    [MemberData(nameof(TooLarge))]
    public void A_scenario_over_a_limit_is_refused_naming_the_path(string what, string path)
    {
        var scenario = Spec();
        switch (what)
        {
            case "events":
                scenario["events"] = Priorities(ScenarioLimits.MaxEvents);
                break; // the creation makes one more
            case "calendars":
                for (var i = 0; i < ScenarioLimits.MaxCalendars; i++)
                {
                    scenario["calendars"]![$"c{i}"] = scenario["calendars"]!["ny"]!.DeepClone();
                }

                break;
            case "intervals":
                scenario["calendars"]!["ny"]!["hours"] = new JsonArray([
                    .. Enumerable
                        .Range(0, ScenarioLimits.MaxIntervals + 1)
                        .Select(i =>
                            (JsonNode)
                                new JsonObject
                                {
                                    ["day"] = "Monday",
                                    ["start"] = $"{i / 60 % 24:00}:{i % 60:00}",
                                    ["end"] = "23:59",
                                }
                        ),
                ]);
                break;
            case "holidays":
                scenario["calendars"]!["ny"]!["holidays"] = new JsonArray([
                    .. Enumerable
                        .Range(0, ScenarioLimits.MaxHolidays + 1)
                        .Select(i =>
                            (JsonNode)
                                new JsonObject { ["date"] = new DateOnly(2026, 1, 1).AddDays(i).ToString("yyyy-MM-dd") }
                        ),
                ]);
                break;
            case "thresholds":
                scenario["policy"]!["thresholds"] = new JsonArray([
                    .. Enumerable.Range(1, ScenarioLimits.MaxThresholds + 1).Select(i => (JsonNode)i),
                ]);
                break;
            case "escalations":
                scenario["policy"]!["targets"]!["P1"]!["escalations"] = new JsonArray([
                    .. Enumerable.Range(1, ScenarioLimits.MaxThresholds + 1).Select(i => (JsonNode)i),
                ]);
                break;
            case "targets":
                for (var i = 0; i < ScenarioLimits.MaxTargets; i++)
                {
                    scenario["policy"]!["targets"]![$"X{i}"] = new JsonObject { ["resolutionMinutes"] = 60 };
                }

                break;
            default:
                scenario["until"] = "2036-06-01T00:00:00Z";
                break;
        }

        var error = Assert.Throws<InvalidInputException>(() => ScenarioJson.Read(scenario.ToJsonString()));
        Assert.Equal(path, error.Path);
        Assert.Contains("Limits of simulate", error.Problem, StringComparison.Ordinal);
        Assert.Equal(400, SlaApi.Simulate(scenario.ToJsonString()).Status);
    }

    [Fact]
    public void A_scenario_at_every_limit_runs()
    {
        var scenario = Spec();
        scenario["events"] = Priorities(ScenarioLimits.MaxEvents - 1);
        scenario["until"] = "2036-03-01T00:00:00Z";
        Assert.Equal(200, SlaApi.Simulate(scenario.ToJsonString()).Status);
    }

    /// <summary>
    /// Cost per event close to constant: the processor time per event of the largest scenario (alternating
    /// priorities, each a new target segment, and pauses) is within a small factor of a scenario a tenth its
    /// size. A fold over the whole history per event costs ten times more per event at ten times the events
    /// (3,000 priority events took a minute, 6,000 three and a half). Processor time, not wall-clock time, so
    /// that other work on the machine does not decide the outcome; the figures are in docs/benchmarks.md.
    /// </summary>
    [Fact]
    public void The_cost_per_event_stays_flat_up_to_the_largest_scenario()
    {
        double CpuPerEvent(int count)
        {
            var scenario = Spec();
            scenario["events"] = Priorities(count - 1, withPauses: true);
            var parsed = ScenarioJson.Read(scenario.ToJsonString());
            ScenarioRunner.Run(parsed); // warm-up
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var status = ScenarioRunner.Run(parsed);
            Assert.Equal(count / 4, status.Pauses.Length);
            return (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds / count;
        }

        var small = CpuPerEvent(ScenarioLimits.MaxEvents / 10);
        var large = CpuPerEvent(ScenarioLimits.MaxEvents);

        Assert.True(
            large < 4 * Math.Max(small, 0.05),
            $"{large:F3} ms per event at {ScenarioLimits.MaxEvents}, {small:F3} at a tenth"
        );
    }

    [Fact]
    public void A_cancelled_run_stops()
    {
        var scenario = Spec();
        scenario["events"] = Priorities(100);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() =>
            ScenarioRunner.Run(ScenarioJson.Read(scenario.ToJsonString()), cancelled.Token)
        );
        Assert.Throws<OperationCanceledException>(() =>
            SlaApi.Simulate(scenario.ToJsonString(), cancellationToken: cancelled.Token)
        );
    }

    private static JsonNode Spec() => JsonNode.Parse(File.ReadAllText(Repo.Path("samples/spec-example.json")))!;

    /// <summary>
    /// A creation and then <paramref name="count"/> events a minute apart: P1/P2 changes, or with pauses every other
    /// pair.
    /// </summary>
    private static JsonArray Priorities(int count, bool withPauses = false)
    {
        var start = DateTimeOffset.Parse("2026-03-06T20:30:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var events = new JsonArray
        {
            new JsonObject
            {
                ["at"] = At(start),
                ["type"] = "created",
                ["priority"] = "P1",
            },
        };
        for (var i = 1; i <= count; i++)
        {
            var at = At(start.AddMinutes(i));
            events.Add(
                withPauses && i % 4 is 1 or 2
                    ? new JsonObject
                    {
                        ["at"] = at,
                        ["type"] = i % 4 == 1 ? "pause" : "resume",
                        ["reason"] = "vendor",
                    }
                    : new JsonObject
                    {
                        ["at"] = at,
                        ["type"] = "priority",
                        ["priority"] = i % 2 == 0 ? "P1" : "P2",
                    }
            );
        }

        return events;
    }

    private static string At(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using SlaFunctions.Core.Simulation;

namespace SlaFunctions.Bench;

/// <summary>
/// <c>scripts/bench simulate</c>: what one scenario costs as it grows to the limit of events, so that the cost
/// per event can be seen to stay flat; the last line is the largest scenario's time and its time per event.
/// </summary>
public static class SimulateBench
{
    public static int Run(string[] args)
    {
        var rounds = args.Contains("--quick") ? 3 : 10;
        string[] kinds = ["priority", "pause/resume"];
        var (lastMs, lastPerEvent) = (0.0, 0.0);
        foreach (var kind in kinds)
        {
            foreach (var count in new[] { 500, 1_000, 2_000, 3_000, ScenarioLimits.MaxEvents - 1 })
            {
                var scenario = ScenarioJson.Read(Scenario(count, kind == "priority"));
                ScenarioRunner.Run(scenario); // warm-up
                var times = new List<double>();
                for (var i = 0; i < rounds; i++)
                {
                    var watch = Stopwatch.StartNew();
                    ScenarioRunner.Run(scenario);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }

                var median = times.Order().ElementAt(times.Count / 2);
                (lastMs, lastPerEvent) = (median, median * 1000 / (count + 1));
                Console.WriteLine(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{kind, -12} {count + 1, 6} events: median {median, 8:F1} ms of {rounds} runs, {lastPerEvent, 6:F1} µs per event"
                    )
                );
            }
        }

        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"simulate: {ScenarioLimits.MaxEvents:N0} events in {lastMs:F0} ms ({lastPerEvent:F0} µs per event)"
            )
        );
        return 0;
    }

    /// <summary>The SPEC example's calendar and policy with a creation and then events a minute apart.</summary>
    private static string Scenario(int count, bool priorities)
    {
        var events = new StringBuilder("""{ "at": "2026-03-06T20:30:00Z", "type": "created", "priority": "P1" }""");
        var start = new DateTime(2026, 3, 6, 20, 30, 0, DateTimeKind.Utc);
        for (var i = 1; i <= count; i++)
        {
            var at = start.AddMinutes(i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            events.Append(
                priorities
                    ? $$""", { "at": "{{at}}", "type": "priority", "priority": "{{(i % 2 == 0 ? "P1" : "P2")}}" }"""
                    : $$""", { "at": "{{at}}", "type": "{{(i % 2 == 1 ? "pause" : "resume")}}", "reason": "vendor" }"""
            );
        }

        return $$"""
            { "calendars": { "ny": { "timeZone": "America/New_York", "hours": [
                { "day": "Monday", "start": "09:00", "end": "17:00" }, { "day": "Tuesday", "start": "09:00", "end": "17:00" },
                { "day": "Wednesday", "start": "09:00", "end": "17:00" }, { "day": "Thursday", "start": "09:00", "end": "17:00" },
                { "day": "Friday", "start": "09:00", "end": "17:00" } ],
                "holidays": [ { "date": "2026-12-25", "recurring": true } ] } },
              "policy": { "calendar": "ny", "targets": {
                "P1": { "responseMinutes": 60, "resolutionMinutes": 480, "escalations": [70, 90, 110] },
                "P2": { "responseMinutes": 240, "resolutionMinutes": 1440 } } },
              "events": [ {{events}} ] }
            """;
    }
}

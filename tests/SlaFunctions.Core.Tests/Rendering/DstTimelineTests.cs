using NodaTime;
using SlaFunctions.Core.Rendering;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Testing.Rendering;
using static SlaFunctions.Testing.Rendering.SvgDocument;

namespace SlaFunctions.Core.Tests.Rendering;

/// <summary>Days on which the clocks change are drawn with their real length, and labelled in local time.</summary>
public class DstTimelineTests
{
    private const double Pixel = 1.0;

    [Theory]
    [InlineData("Europe/London", "2026-03-28", 23, "GMT→BST")]
    [InlineData("Europe/London", "2026-10-24", 25, "BST→GMT")]
    [InlineData("America/New_York", "2026-10-31", 25, "EDT→EST")]
    [InlineData("Australia/Lord_Howe", "2026-04-04", 24.5, "+11")]
    public void A_day_on_which_the_clocks_change_is_drawn_its_real_length(
        string zone,
        string saturday,
        double sundayHours,
        string change
    )
    {
        // Open all day Saturday to Monday: nothing is compressed, so widths are proportional to real time.
        var (status, scenario, svg) = Render(zone, saturday);
        var tz = DateTimeZoneProviders.Tzdb[zone];
        var date = NodaTime.Text.LocalDatePattern.Iso.Parse(saturday).Value;
        double X(int day) =>
            Number(
                Assert.Single(
                    svg.OfClass("day"),
                    d => Data(d, "at") == Core.Json.IsoText.Format(tz.AtStartOfDay(date.PlusDays(day)).ToInstant())
                ),
                "x1"
            );

        Assert.Empty(svg.OfClass("closed"));
        Assert.Equal(sundayHours / 24, (X(2) - X(1)) / (X(1) - X(0)), 0.01);
        Assert.Contains(
            svg.OfClass("offset-change").SelectMany(g => g.Descendants(Svg + "text")),
            t => t.Value.Contains(change, StringComparison.Ordinal)
        );

        // Each mark where the axis puts its instant; the hour labels of Sunday are local hours.
        var scale = TimelineSvg.Scale(status, scenario.Policy, new LocalText(tz));
        foreach (var n in status.Notifications)
        {
            var mark = Assert.Single(svg.OfClass("mark"), m => Data(m, "at") == Core.Json.IsoText.Format(n.FiredAt));
            Assert.Equal(scale.X(n.FiredAt), Number(mark.Element(Svg + "line")!, "x1"), Pixel);
        }

        var noon = tz.AtStrictly(date.PlusDays(1).AtMidnight().PlusHours(12)).ToInstant();
        Assert.Contains(
            svg.Root.Descendants(Svg + "text"),
            t => t.Value == "12:00" && Math.Abs(Number(t, "x") - scale.X(noon)) <= Pixel
        );
    }

    [Fact]
    public void The_spring_forward_weekend_of_a_weekday_calendar_is_compressed_with_the_other_closed_time()
    {
        var json = File.ReadAllText(Testing.Files.Repo.Path("samples/weekday-ticket.json"));
        var scenario = ScenarioJson.Read(json);
        var status = ScenarioRunner.Run(scenario);
        var svg = new SvgDocument(TimelineSvg.Render(status, scenario.Policy));
        var scale = TimelineSvg.Scale(status, scenario.Policy, new LocalText(scenario.Policy.Calendar.Zone));

        // The weekend of 7-8 March 2026 in New York (Friday 17:00 EST to Monday 09:00 EDT, 63 hours) is closed time
        // that holds the change to EDT, drawn at the closed rate; an open day of 8 hours at the open rate.
        var change = Assert.Single(svg.OfClass("offset-change"));
        var weekend = Assert.Single(svg.OfClass("closed"), c => Data(c, "from") == "2026-03-06T22:00:00Z");
        Assert.Equal("2026-03-09T13:00:00Z", Data(weekend, "to"));
        Assert.Equal("2026-03-08T07:00:00Z", Data(change, "at"));
        var monday = scale.X(Instant.FromUtc(2026, 3, 9, 21, 0)) - scale.X(Instant.FromUtc(2026, 3, 9, 13, 0));
        Assert.Equal(scale.Compression, monday / 8 / (Number(weekend, "width") / 63), 0.05);
    }

    private static (Core.Tracking.SlaStatus Status, Scenario Scenario, SvgDocument Svg) Render(
        string zone,
        string saturday
    )
    {
        var created = NodaTime
            .Text.LocalDatePattern.Iso.Parse(saturday)
            .Value.AtMidnight()
            .PlusHours(6)
            .InZoneLeniently(DateTimeZoneProviders.Tzdb[zone])
            .ToInstant();
        string At(double hours) => Core.Json.IsoText.Format(created + Duration.FromMinutes(hours * 60));
        var json = $$"""
            {
              "calendars": { "c": { "timeZone": "{{zone}}",
                "hours": [ { "day": "Saturday", "start": "00:00", "end": "24:00" }, { "day": "Sunday", "start": "00:00", "end": "24:00" },
                           { "day": "Monday", "start": "00:00", "end": "24:00" } ] } },
              "policy": { "calendar": "c", "targets": { "P1": { "responseMinutes": 600, "resolutionMinutes": 3000 } }, "thresholds": [50, 100] },
              "events": [
                { "at": "{{At(0)}}", "type": "created", "priority": "P1" },
                { "at": "{{At(28)}}", "type": "pause", "reason": "awaiting_vendor" },
                { "at": "{{At(32)}}", "type": "resume", "reason": "awaiting_vendor" },
                { "at": "{{At(38)}}", "type": "responded" }
              ],
              "until": "{{At(54)}}"
            }
            """;
        var scenario = ScenarioJson.Read(json);
        var status = ScenarioRunner.Run(scenario);
        return (status, scenario, new SvgDocument(TimelineSvg.Render(status, scenario.Policy)));
    }
}

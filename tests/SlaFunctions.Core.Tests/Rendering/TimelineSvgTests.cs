using System.Text.Json.Nodes;
using System.Xml.Linq;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Rendering;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Rendering;
using static SlaFunctions.Testing.Rendering.SvgDocument;

namespace SlaFunctions.Core.Tests.Rendering;

/// <summary>
/// The structure of the picture of the SPEC §3 example: every pause, mark and due line once, each at the x the
/// time axis gives for its instant (within a pixel), and the axis labelled in the calendar's zone.
/// </summary>
public class TimelineSvgTests
{
    private const double Pixel = 1.0;

    private static readonly Lazy<(Scenario Scenario, SlaStatus Status, SvgDocument Svg)> SpecExample = new(() =>
    {
        var scenario = ScenarioJson.Read(File.ReadAllText(Repo.Path("samples/spec-example.json")));
        var status = ScenarioRunner.Run(scenario);
        return (scenario, status, new SvgDocument(TimelineSvg.Render(status, scenario.Policy)));
    });

    private static TimeScale Axis =>
        TimelineSvg.Scale(
            SpecExample.Value.Status,
            SpecExample.Value.Scenario.Policy,
            new LocalText(SpecExample.Value.Scenario.Policy.Calendar.Zone)
        );

    [Fact]
    public void The_picture_is_well_formed_svg_1_1_with_no_script_and_no_external_reference()
    {
        var svg = SpecExample.Value.Svg;

        Assert.Equal(Svg + "svg", svg.Root.Name);
        Assert.Equal("1.1", (string?)svg.Root.Attribute("version"));
        Assert.DoesNotContain(svg.All, e => e.Name.LocalName is "script" or "foreignObject" or "image" or "a");
        Assert.DoesNotContain(
            svg.All.SelectMany(e => e.Attributes()),
            a => a.Name.LocalName.StartsWith("on", StringComparison.Ordinal) || a.Name.LocalName == "href"
        );
        var references = svg
            .All.SelectMany(e => e.Attributes())
            .Where(a => a.Value.Contains("url(", StringComparison.Ordinal))
            .Select(a => a.Value)
            .ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.StartsWith("url(#", r, StringComparison.Ordinal));
        Assert.NotNull(svg.OfClass("background").SingleOrDefault());
    }

    [Fact]
    public void Each_pause_is_drawn_once_from_its_start_to_its_end()
    {
        var (_, status, svg) = SpecExample.Value;
        var pauses = svg.OfClass("pause");

        Assert.Equal(status.Pauses.Length, pauses.Count);
        foreach (var pause in status.Pauses)
        {
            var drawn = Assert.Single(
                pauses,
                p => Data(p, "from") == IsoText.Format(pause.From) && Data(p, "reason") == pause.Reason
            );
            Assert.Equal(Axis.X(pause.From), Number(drawn, "x"), Pixel);
            Assert.Equal(Axis.X(pause.To!.Value), Number(drawn, "x") + Number(drawn, "width"), Pixel);
        }
    }

    [Fact]
    public void Each_notification_is_one_mark_at_its_instant_in_its_phase_lane()
    {
        var (_, status, svg) = SpecExample.Value;
        var marks = svg.OfClass("mark");

        Assert.Equal(7, status.Notifications.Length);
        Assert.Equal(status.Notifications.Length, marks.Count);
        foreach (var n in status.Notifications)
        {
            var mark = Assert.Single(
                marks,
                m =>
                    Data(m, "at") == IsoText.Format(n.FiredAt)
                    && Data(m, "kind") == WireNames.Of(n.Kind)
                    && Data(m, "percent") == n.Percent.ToString(System.Globalization.CultureInfo.InvariantCulture)
            );
            var lane = mark.Ancestors().Single(a => (string?)a.Attribute("class") == "lane");
            Assert.Equal(WireNames.Of(n.Phase), Data(lane, "phase"));
            Assert.Equal(n.Cycle.ToString(System.Globalization.CultureInfo.InvariantCulture), Data(lane, "cycle"));
            var tick = mark.Element(Svg + "line")!;
            Assert.Equal(Axis.X(n.FiredAt), Number(tick, "x1"), Pixel);
            Assert.Equal(Number(tick, "x1"), Number(tick, "x2"));
        }
    }

    [Fact]
    public void Each_due_instant_is_one_line_and_each_completion_one_dot()
    {
        var (_, status, svg) = SpecExample.Value;
        var dues = svg.OfClass("due");
        var dots = svg.OfClass("completed");

        Assert.Equal(status.Phases.Count(p => p.DueAt is not null), dues.Count);
        Assert.Equal(status.Phases.Count(p => p.CompletedAt is not null), dots.Count);
        foreach (var phase in status.Phases)
        {
            var due = Assert.Single(
                dues,
                d =>
                    Data(d, "phase") == WireNames.Of(phase.Phase)
                    && Data(d, "cycle") == phase.Cycle.ToString(System.Globalization.CultureInfo.InvariantCulture)
            );
            Assert.Equal(IsoText.Format(phase.DueAt!.Value), Data(due, "at"));
            Assert.Equal(Axis.X(phase.DueAt!.Value), Number(due, "x1"), Pixel);
            if (phase.CompletedAt is { } completed)
            {
                Assert.Equal(
                    Axis.X(completed),
                    Number(Assert.Single(dots, d => Data(d, "at") == IsoText.Format(completed)), "cx"),
                    Pixel
                );
            }
        }
    }

    [Fact]
    public void Marks_sit_inside_the_open_hours_the_background_shows_at_their_share_of_them()
    {
        // Read from the picture alone: Monday 9 March is open 09:00-17:00 New York (13:00-21:00Z); the closed
        // blocks either side of it bound that day's open time, and open time is drawn at one rate.
        var svg = SpecExample.Value.Svg;
        var closed = svg.OfClass("closed");
        var before = Assert.Single(closed, c => Data(c, "to") == "2026-03-09T13:00:00Z");
        var after = Assert.Single(closed, c => Data(c, "from") == "2026-03-09T21:00:00Z");
        var (opens, closes) = (Number(before, "x") + Number(before, "width"), Number(after, "x"));
        var warning = Assert
            .Single(svg.OfClass("mark"), m => Data(m, "at") == "2026-03-09T13:30:00Z")
            .Element(Svg + "line")!;

        Assert.Equal(opens + ((closes - opens) * 30 / 480), Number(warning, "x1"), Pixel);
    }

    [Fact]
    public void Closed_time_is_compressed_to_a_narrow_band_and_the_legend_says_by_how_much()
    {
        var svg = SpecExample.Value.Svg;
        var closedWidth = svg.OfClass("closed").Sum(c => Number(c, "width"));

        Assert.InRange(closedWidth / Axis.Width, 0.1, TimeScale.MaxClosedShare + 0.001);
        Assert.True(Axis.Compression > 10, $"compression {Axis.Compression}");
        Assert.Contains(
            svg.Texts,
            t => t.Contains($"drawn {Math.Round(Axis.Compression)}× narrower", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void The_axis_is_labelled_in_the_calendars_zone_with_its_day_boundaries()
    {
        var svg = SpecExample.Value.Svg;
        var days = svg.OfClass("day").Select(d => Data(d, "at")).ToList();
        var texts = svg.Root.Descendants(Svg + "text").ToList();

        // Local midnights in New York: EST (UTC-5) before 8 March, EDT (UTC-4) after.
        Assert.Contains("2026-03-07T05:00:00Z", days);
        Assert.Contains("2026-03-08T05:00:00Z", days);
        Assert.Contains("2026-03-09T04:00:00Z", days);
        Assert.DoesNotContain("2026-03-09T00:00:00Z", days);
        Assert.Contains(texts, t => t.Value == "Mon 9 Mar");
        var nine = Assert.Single(
            texts,
            t => t.Value == "09:00" && Math.Abs(Number(t, "x") - Axis.X(Instant.FromUtc(2026, 3, 9, 13, 0))) <= Pixel
        );
        Assert.Equal("middle", (string?)nine.Attribute("text-anchor"));
        var change = Assert.Single(svg.OfClass("offset-change"));
        Assert.Equal("2026-03-08T07:00:00Z", Data(change, "at"));
        Assert.Contains(change.Descendants(Svg + "text"), t => t.Value == "EST→EDT");
        Assert.Contains(svg.Texts, t => t.Contains("times in America/New_York", StringComparison.Ordinal));
        Assert.Contains(svg.Texts, t => t.StartsWith("Mon 9 Mar 09:30 EDT", StringComparison.Ordinal));
    }

    [Fact]
    public void The_legend_names_every_pause_reason_and_every_kind_of_mark()
    {
        var legend = string.Join(
            '\n',
            Assert.Single(SpecExample.Value.Svg.OfClass("legend")).Descendants(Svg + "text").Select(t => t.Value)
        );

        foreach (
            var entry in new[]
            {
                "business hours",
                "paused: awaiting_client",
                "warning",
                "breach",
                "escalation (level)",
                "due",
                "as of",
            }
        )
        {
            Assert.Contains(entry, legend, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Names_from_the_input_are_text_escaped_not_markup()
    {
        var scenario = File.ReadAllText(Repo.Path("samples/spec-example.json"))
            .Replace("awaiting_client", "a<b>&c", StringComparison.Ordinal);
        var svg = new SvgDocument(SimulationOutput.Run(scenario, SimulationFormat.Svg));

        Assert.Equal("a<b>&c", Data(Assert.Single(svg.OfClass("pause")), "reason"));
        Assert.DoesNotContain(svg.All, e => e.Name.LocalName == "b");
    }

    [Fact]
    public void A_24x7_target_draws_time_linearly()
    {
        var scenario = File.ReadAllText(Repo.Path("samples/spec-example.json"))
            .Replace(
                "\"responseMinutes\": 240,",
                "\"responseMinutes\": 240, \"is24x7\": true,",
                StringComparison.Ordinal
            );
        var svg = new SvgDocument(SimulationOutput.Run(scenario, SimulationFormat.Svg));

        Assert.Empty(svg.OfClass("closed"));
        var days = svg.OfClass("day").Select(d => Number(d, "x1")).ToList();
        var widths = days.Zip(days.Skip(1), (a, b) => b - a).ToList();
        Assert.True(widths.Max() - widths.Min() < widths.Max() / 23, string.Join(", ", widths));
    }

    [Fact]
    public void A_span_longer_than_the_longest_drawn_says_so_and_draws_nothing_past_its_end()
    {
        // Open one hour a week: the 24-hour resolution target falls due half a year after the creation.
        var scenario = JsonNode.Parse(File.ReadAllText(Repo.Path("samples/spec-example.json")))!;
        scenario["calendars"]!["ny"]!["hours"] = JsonNode.Parse(
            """[ { "day": "Monday", "start": "09:00", "end": "10:00" } ]"""
        );
        scenario["events"] = JsonNode.Parse(
            """[ { "at": "2026-03-06T20:30:00Z", "type": "created", "priority": "P2" } ]"""
        );
        scenario["until"] = "2026-03-10T00:00:00Z";
        var svg = new SvgDocument(SimulationOutput.Run(scenario.ToJsonString(), SimulationFormat.Svg));

        Assert.Contains(
            svg.Texts,
            t => t.Contains($"the first {TimelineSvg.MaxSpan.Days} days drawn", StringComparison.Ordinal)
        );
        Assert.Single(svg.OfClass("due"));
        Assert.Contains(
            svg.Texts,
            t =>
                t.Contains("resolution · 24h target", StringComparison.Ordinal)
                && t.Contains("due ", StringComparison.Ordinal)
        );
    }
}

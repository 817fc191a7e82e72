using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Rendering;

/// <summary>
/// A ticket's SLA as a picture (SVG 1.1, no scripts, no external references, text as text): the phases as lanes
/// across time, business hours light and closed time dark and compressed, pauses hatched by reason, each
/// notification as a mark at its instant, each due instant as a line, completion as a dot, the axis labelled
/// in the calendar's zone, a legend, and the instants written out. Pure: a status and its policy in, text out.
/// </summary>
public static class TimelineSvg
{
    public const string ContentType = "image/svg+xml";

    /// <summary>The longest span drawn; what falls later is listed under the picture but not drawn.</summary>
    public static readonly Duration MaxSpan = Duration.FromDays(92);

    private const double Width = 1000;
    private const double PlotLeft = 176;
    private const double PlotRightMargin = 24;
    private const double AxisTop = 58;

    public static string Render(SlaStatus status, SlaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(policy);
        var local = new LocalText(policy.Calendar.Zone);
        var scale = Scale(status, policy, local);
        var lanesTop = AxisTop + TimeAxis.Height;
        var lanes = new List<PhaseLane>();
        var y = lanesTop;
        foreach (var phase in status.Phases)
        {
            var lane = PhaseLane.Layout(phase, status, scale, y);
            lanes.Add(lane);
            y += lane.Height;
        }

        var pauses = PauseLane.Layout(status, y);
        var lanesBottom = y + (pauses.Pauses.IsEmpty ? 0 : PauseLane.Height);
        var legendTop = lanesBottom + 22;
        var legendHeight = Legend.Height(pauses.Reasons, scale.Compression, Width - 24);
        var keyTop = legendTop + legendHeight;
        var height = keyTop + KeyInstants.Height(status) + 16;

        using var svg = new SvgWriter(Width, height);
        svg.Text("title", $"SLA timeline, priority {status.Priority}, as of {local.MomentWithYear(status.AsOf)}");
        svg.Start("defs");
        pauses.DefinePatterns(svg);
        svg.End();
        svg.Start("g", ("font-family", "DejaVu Sans, Verdana, Arial, sans-serif"));
        svg.Empty(
            "rect",
            ("class", "background"),
            ("x", 0.5),
            ("y", 0.5),
            ("width", Width - 1),
            ("height", height - 1),
            ("rx", 6),
            ("fill", Palette.Background),
            ("stroke", Palette.Border)
        );
        svg.Text(
            "text",
            $"SLA timeline · priority {status.Priority}",
            ("x", 12),
            ("y", 26),
            ("font-size", 16),
            ("font-weight", "bold"),
            ("fill", Palette.Text)
        );
        var clipped =
            Instants(status).Max() > scale.End
                ? $" · the first {MaxSpan.Days} days drawn, later instants listed below"
                : string.Empty;
        svg.Text(
            "text",
            $"as of {local.MomentWithYear(status.AsOf)} · times in {local.Zone.Id}{clipped}",
            ("x", 12),
            ("y", 45),
            ("font-size", 12),
            ("fill", Palette.MutedText)
        );

        DrawHours(svg, scale, AxisTop, lanesBottom);
        pauses.DrawBands(
            svg,
            scale,
            status.AsOf,
            lanes.Select(l =>
                (
                    l.BarTop - 4,
                    l.BarTop + PhaseLane.BarHeight + 4,
                    scale.X(l.Phase.StartedAt),
                    scale.X(l.Phase.CompletedAt ?? status.AsOf)
                )
            )
        );
        TimeAxis.Draw(svg, scale, local, AxisTop, lanesBottom);
        foreach (var lane in lanes)
        {
            svg.Empty(
                "line",
                ("x1", 8),
                ("x2", Width - 8),
                ("y1", lane.Top),
                ("y2", lane.Top),
                ("stroke", Palette.Border)
            );
            lane.Draw(svg, scale, local);
        }

        if (!pauses.Pauses.IsEmpty)
        {
            svg.Empty(
                "line",
                ("x1", 8),
                ("x2", Width - 8),
                ("y1", pauses.Top),
                ("y2", pauses.Top),
                ("stroke", Palette.Border)
            );
            pauses.Draw(svg, scale, local, status.AsOf);
        }

        svg.Empty(
            "line",
            ("x1", 8),
            ("x2", Width - 8),
            ("y1", lanesBottom),
            ("y2", lanesBottom),
            ("stroke", Palette.Border)
        );
        DrawAsOf(svg, scale, local, status.AsOf, lanesTop, lanesBottom);
        Legend.Draw(svg, pauses.Reasons, scale.Compression, 12, legendTop, Width - 24);
        KeyInstants.Draw(svg, status, local, 12, keyTop, Width - 24);
        svg.End();
        return svg.Finish();
    }

    /// <summary>
    /// From the local midnight before the first instant to the one after the last (the due instants included),
    /// with the business hours of the clock that counts: all time for a 24x7 target.
    /// </summary>
    internal static TimeScale Scale(SlaStatus status, SlaPolicy policy, LocalText local)
    {
        var instants = Instants(status);
        var first = instants.Min();
        var last = Min(instants.Max(), first + MaxSpan);
        var start = local.Zone.AtStartOfDay(local.DateOf(first)).ToInstant();
        var lastDay = local.Zone.AtStartOfDay(local.DateOf(last)).ToInstant();
        var end =
            lastDay == last && last > start
                ? last
                : local.Zone.AtStartOfDay(local.DateOf(last).PlusDays(1)).ToInstant();
        var allTime = policy.Targets.TryGetValue(status.Priority, out var target) && target.Is24x7;
        var open = allTime ? [new Interval(start, end)] : policy.Calendar.OpenPeriodsBetween(start, end);
        return TimeScale.Build(start, end, open, PlotLeft, Width - PlotLeft - PlotRightMargin);
    }

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    /// <summary>
    /// Every instant the picture shows: starts, due instants, completions, pauses, notifications and the as-of instant.
    /// </summary>
    private static List<Instant> Instants(SlaStatus status) =>
        [
            .. status
                .Phases.SelectMany(p => new[] { p.StartedAt, p.DueAt, p.CompletedAt })
                .Concat(status.Pauses.SelectMany(p => new[] { p.From, p.To }))
                .Concat(status.Notifications.Select(n => (Instant?)n.FiredAt))
                .Append(status.AsOf)
                .OfType<Instant>(),
        ];

    /// <summary>Closed time dark behind the lanes; open time is the light background.</summary>
    private static void DrawHours(SvgWriter svg, TimeScale scale, double top, double bottom)
    {
        svg.Start("g", ("class", "hours"));
        foreach (var segment in scale.Segments.Where(s => !s.Open))
        {
            svg.Empty(
                "rect",
                ("class", "closed"),
                ("sla:from", IsoText.Format(segment.From)),
                ("sla:to", IsoText.Format(segment.To)),
                ("x", segment.X0),
                ("y", top),
                ("width", segment.X1 - segment.X0),
                ("height", bottom - top),
                ("fill", Palette.Closed)
            );
        }

        svg.End();
    }

    private static void DrawAsOf(
        SvgWriter svg,
        TimeScale scale,
        LocalText local,
        Instant asOf,
        double top,
        double bottom
    )
    {
        var x = scale.X(asOf);
        svg.Start(
            "line",
            ("class", "as-of"),
            ("sla:at", IsoText.Format(asOf)),
            ("x1", x),
            ("x2", x),
            ("y1", top),
            ("y2", bottom),
            ("stroke", Palette.AsOf),
            ("stroke-width", 1.5),
            ("stroke-dasharray", "1 2")
        );
        svg.Text("title", $"as of {local.Moment(asOf)}");
        svg.End();
        svg.Text(
            "text",
            "as of",
            ("x", x),
            ("y", bottom + 12),
            ("font-size", 10),
            ("fill", Palette.AsOf),
            ("text-anchor", "middle")
        );
    }
}

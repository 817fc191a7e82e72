using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Rendering;

/// <summary>
/// The pauses: one hatched block per reason and interval in a lane of their own, each reason with its own hatch,
/// and a faint band of the same hatch across the phase lanes, where the clocks stood still.
/// </summary>
internal sealed class PauseLane(ImmutableArray<PauseRecord> pauses, ImmutableArray<string> reasons, double top)
{
    public const double Height = 30;

    public ImmutableArray<PauseRecord> Pauses { get; } = pauses;

    /// <summary>The reasons in order of first appearance; a reason's index picks its hatch.</summary>
    public ImmutableArray<string> Reasons { get; } = reasons;

    public double Top { get; } = top;

    public static PauseLane Layout(SlaStatus status, double top)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new PauseLane(
            status.Pauses,
            [.. status.Pauses.Select(p => p.Reason).Distinct(StringComparer.Ordinal)],
            top
        );
    }

    public static string PatternId(int reason) => $"pause-{reason}";

    /// <summary>One hatch per reason, defined once in the document's defs.</summary>
    public void DefinePatterns(SvgWriter svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        int[] angles = [45, -45, 90, 0, 30];
        for (var i = 0; i < Reasons.Length; i++)
        {
            var colour = Palette.PauseColours[i % Palette.PauseColours.Length];
            svg.Start(
                "pattern",
                ("id", PatternId(i)),
                ("patternUnits", "userSpaceOnUse"),
                ("width", 6),
                ("height", 6),
                ("patternTransform", $"rotate({angles[i % angles.Length]})")
            );
            svg.Empty("rect", ("width", 6), ("height", 6), ("fill", Palette.Background));
            svg.Empty("line", ("x1", 0), ("y1", 0), ("x2", 0), ("y2", 6), ("stroke", colour), ("stroke-width", 3));
            svg.End();
        }
    }

    /// <summary>
    /// The faint bands over the phase bars, each bar given by its top, bottom, left and right: a pause shows only
    /// where the phase ran, not over a cycle that started later.
    /// </summary>
    public void DrawBands(
        SvgWriter svg,
        TimeScale scale,
        Instant asOf,
        IEnumerable<(double Top, double Bottom, double Left, double Right)> bars
    )
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentNullException.ThrowIfNull(scale);
        var rows = bars.ToList();
        foreach (var pause in Pauses)
        {
            var (from, to) = (scale.X(pause.From), scale.X(pause.To ?? asOf));
            foreach (var (top, bottom, left, right) in rows)
            {
                var (x, end) = (Math.Max(from, left), Math.Min(to, right));
                if (end > x)
                {
                    svg.Empty(
                        "rect",
                        ("class", "pause-band"),
                        ("x", x),
                        ("y", top),
                        ("width", end - x),
                        ("height", bottom - top),
                        ("fill", $"url(#{PatternId(Reasons.IndexOf(pause.Reason))})"),
                        ("fill-opacity", 0.45)
                    );
                }
            }
        }
    }

    public void Draw(SvgWriter svg, TimeScale scale, LocalText local, Instant asOf)
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(local);
        svg.Start("g", ("class", "pauses"));
        svg.Text(
            "text",
            "paused",
            ("x", 12),
            ("y", Top + 19),
            ("font-size", 12),
            ("font-weight", "bold"),
            ("fill", Palette.Text)
        );
        foreach (var pause in Pauses)
        {
            var reason = Reasons.IndexOf(pause.Reason);
            var colour = Palette.PauseColours[reason % Palette.PauseColours.Length];
            var (from, to) = (scale.X(pause.From), scale.X(pause.To ?? asOf));
            svg.Start(
                "rect",
                ("class", "pause"),
                ("sla:reason", pause.Reason),
                ("sla:from", IsoText.Format(pause.From)),
                ("sla:to", pause.To is { } end ? IsoText.Format(end) : string.Empty),
                ("x", from),
                ("y", Top + 6),
                ("width", Math.Max(to - from, 1)),
                ("height", Height - 12),
                ("fill", $"url(#{PatternId(reason)})"),
                ("stroke", colour),
                ("stroke-width", 1)
            );
            svg.Text(
                "title",
                $"paused ({pause.Reason}) from {local.Moment(pause.From)}"
                    + (pause.To is { } until ? $" to {local.Moment(until)}" : ", still paused")
            );
            svg.End();
            if (to - from >= LabelRows.Width(pause.Reason) + 8)
            {
                svg.Empty(
                    "rect",
                    ("x", from + 2),
                    ("y", Top + 10),
                    ("width", LabelRows.Width(pause.Reason) + 4),
                    ("height", 12),
                    ("fill", Palette.Background),
                    ("fill-opacity", 0.9)
                );
                svg.Text(
                    "text",
                    pause.Reason,
                    ("x", from + 4),
                    ("y", Top + 19),
                    ("font-size", 10),
                    ("fill", Palette.Text)
                );
            }
        }

        svg.End();
    }
}

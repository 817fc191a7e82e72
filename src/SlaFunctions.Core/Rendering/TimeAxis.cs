using NodaTime;

namespace SlaFunctions.Core.Rendering;

/// <summary>
/// The labelled axis over the lanes: a boundary at each local midnight with the day's name where it fits, the
/// local hours inside open time, and each change of the zone's offset (DST), all in the calendar's zone.
/// </summary>
internal static class TimeAxis
{
    public const double Height = 50;
    private const double CharWidth = 6.4;
    private static readonly int[] HourSteps = [1, 2, 3, 4, 6, 12];

    /// <summary>
    /// The local midnights inside the span, as instants (a midnight that DST skips is the day's first instant).
    /// </summary>
    public static IEnumerable<Instant> DayStarts(TimeScale scale, LocalText local)
    {
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(local);
        for (var date = local.DateOf(scale.Start); ; date = date.PlusDays(1))
        {
            var start = local.Zone.AtStartOfDay(date).ToInstant();
            if (start > scale.End)
            {
                yield break;
            }

            if (start >= scale.Start)
            {
                yield return start;
            }
        }
    }

    public static void Draw(SvgWriter svg, TimeScale scale, LocalText local, double top, double lanesBottom)
    {
        ArgumentNullException.ThrowIfNull(svg);
        var days = DayStarts(scale, local).ToList();
        svg.Start("g", ("class", "axis"), ("font-size", 11), ("fill", Palette.Text));
        for (var i = 0; i < days.Count; i++)
        {
            var x = scale.X(days[i]);
            svg.Empty(
                "line",
                ("class", "day"),
                ("sla:at", Json.IsoText.Format(days[i])),
                ("x1", x),
                ("x2", x),
                ("y1", top + 12),
                ("y2", top + Height),
                ("stroke", Palette.DayLine),
                ("stroke-width", 1)
            );
            svg.Empty(
                "line",
                ("x1", x),
                ("x2", x),
                ("y1", top + Height),
                ("y2", lanesBottom),
                ("stroke", Palette.DayLine),
                ("stroke-width", 0.5),
                ("stroke-opacity", 0.6)
            );
            if (i + 1 < days.Count)
            {
                var name = LocalText.DayName(local.DateOf(days[i]));
                var room = scale.X(days[i + 1]) - x;
                var label =
                    room >= (name.Length * CharWidth) + 6 ? name
                    : room >= 20 ? local.DateOf(days[i]).Day.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : null;
                if (label is not null)
                {
                    svg.Text(
                        "text",
                        label,
                        ("x", x + (room / 2)),
                        ("y", top + 26),
                        ("text-anchor", "middle"),
                        ("font-weight", "bold")
                    );
                }
            }
        }

        DrawHours(svg, scale, local, top + 41);
        DrawOffsetChanges(svg, scale, local, top, lanesBottom);
        svg.End();
    }

    /// <summary>Whole local hours inside open time, at the widest step that leaves room for each label.</summary>
    private static void DrawHours(SvgWriter svg, TimeScale scale, LocalText local, double y)
    {
        foreach (var segment in scale.Segments.Where(s => s.Open))
        {
            var perHour = (segment.X1 - segment.X0) / (segment.To - segment.From).TotalHours;
            var step = HourSteps.FirstOrDefault(h => h * perHour >= 40);
            if (step == 0)
            {
                continue;
            }

            var lastLabel = double.NegativeInfinity;
            foreach (var hour in WholeHours(segment.From, segment.To, local.Zone))
            {
                var localHour = hour.InZone(local.Zone).Hour;
                var x = scale.X(hour);
                svg.Empty("line", ("x1", x), ("x2", x), ("y1", y + 3), ("y2", y + 8), ("stroke", Palette.MutedText));
                if (localHour % step == 0 && x - lastLabel >= 36 && x >= scale.Left + 14 && x <= scale.Right - 14)
                {
                    svg.Text(
                        "text",
                        local.TimeOf(hour),
                        ("x", x),
                        ("y", y),
                        ("text-anchor", "middle"),
                        ("fill", Palette.MutedText),
                        ("font-size", 10)
                    );
                    lastLabel = x;
                }
            }
        }
    }

    /// <summary>The instants inside [from, to] at which the local time is a whole hour.</summary>
    private static IEnumerable<Instant> WholeHours(Instant from, Instant to, DateTimeZone zone)
    {
        // Offsets move by whole or half hours; stepping UTC hours and keeping the local whole ones finds them all
        // for whole-hour offsets, and half-hour zones are stepped at half hours.
        for (
            var at = Instant.FromUnixTimeSeconds((long)Math.Ceiling(from.ToUnixTimeSeconds() / 1800.0) * 1800);
            at <= to;
            at += Duration.FromMinutes(30)
        )
        {
            var local = at.InZone(zone);
            if (local.Minute == 0 && local.Second == 0)
            {
                yield return at;
            }
        }
    }

    /// <summary>
    /// A dashed marker where the zone's offset changes, labelled with the abbreviations on either side.
    /// </summary>
    private static void DrawOffsetChanges(
        SvgWriter svg,
        TimeScale scale,
        LocalText local,
        double top,
        double lanesBottom
    )
    {
        var intervals = local.Zone.GetZoneIntervals(scale.Start, scale.End).ToList();
        foreach (
            var (before, interval) in intervals
                .Zip(intervals.Skip(1))
                .Where(p => p.First.WallOffset != p.Second.WallOffset)
        )
        {
            var at = interval.Start;
            var x = scale.X(at);
            var label = $"{local.Abbreviation(before.End - Duration.Epsilon)}→{local.Abbreviation(at)}";
            svg.Start("g", ("class", "offset-change"), ("sla:at", Json.IsoText.Format(at)));
            svg.Text("title", $"The offset changes at {local.Moment(at)} ({Json.IsoText.Format(at)})");
            svg.Empty(
                "line",
                ("x1", x),
                ("x2", x),
                ("y1", top + 2),
                ("y2", lanesBottom),
                ("stroke", Palette.Dst),
                ("stroke-dasharray", "2 3")
            );
            svg.Text("text", label, ("x", x + 3), ("y", top + 9), ("fill", Palette.Dst), ("font-size", 9));
            svg.End();
        }
    }
}

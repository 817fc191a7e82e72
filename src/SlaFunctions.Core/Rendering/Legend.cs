using System.Globalization;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Rendering;

/// <summary>What every colour, hatch and shape means, flowed into rows across the width.</summary>
internal static class Legend
{
    private const double RowHeight = 20;
    private const double SwatchWidth = 16;

    public static double Height(IReadOnlyList<string> reasons, double compression, double width) =>
        Layout(Items(reasons, compression), width).Rows * RowHeight;

    public static void Draw(
        SvgWriter svg,
        IReadOnlyList<string> reasons,
        double compression,
        double left,
        double top,
        double width
    )
    {
        ArgumentNullException.ThrowIfNull(svg);
        var items = Items(reasons, compression);
        var (places, _) = Layout(items, width);
        svg.Start("g", ("class", "legend"), ("font-size", 11), ("fill", Palette.Text));
        for (var i = 0; i < items.Count; i++)
        {
            var (x, row) = places[i];
            var (text, swatch) = items[i];
            var y = top + (row * RowHeight);
            svg.Start("g", ("class", "legend-item"));
            swatch(svg, left + x, y);
            svg.Text("text", text, ("x", left + x + SwatchWidth + 5), ("y", y + 10));
            svg.End();
        }

        svg.End();
    }

    private static List<(string Text, Action<SvgWriter, double, double> Swatch)> Items(
        IReadOnlyList<string> reasons,
        double compression
    )
    {
        var closed =
            compression > 1.05
                ? $"closed (nights, weekends, holidays), drawn {Math.Round(compression).ToString(CultureInfo.InvariantCulture)}× narrower"
                : "closed (nights, weekends, holidays)";
        var items = new List<(string, Action<SvgWriter, double, double>)>
        {
            ("business hours", (svg, x, y) => Box(svg, x, y, Palette.Open, Palette.DayLine)),
            (closed, (svg, x, y) => Box(svg, x, y, Palette.Closed, Palette.DayLine)),
            ("counting", (svg, x, y) => Box(svg, x, y, Palette.Bar, Palette.Bar)),
            ("overdue", (svg, x, y) => Box(svg, x, y, Palette.Overdue, Palette.Overdue)),
        };
        items.AddRange(
            reasons.Select(
                (reason, i) =>
                    (
                        $"paused: {reason}",
                        (Action<SvgWriter, double, double>)(
                            (svg, x, y) =>
                                Box(
                                    svg,
                                    x,
                                    y,
                                    $"url(#{PauseLane.PatternId(i)})",
                                    Palette.PauseColours[i % Palette.PauseColours.Length]
                                )
                        )
                    )
            )
        );
        items.Add(("warning", (svg, x, y) => Mark(svg, x, y, NotificationKind.Warning)));
        items.Add(("breach", (svg, x, y) => Mark(svg, x, y, NotificationKind.Breach)));
        items.Add(("escalation (level)", (svg, x, y) => Mark(svg, x, y, NotificationKind.Escalation)));
        items.Add(
            (
                "due",
                (svg, x, y) =>
                    svg.Empty(
                        "line",
                        ("x1", x + 8),
                        ("x2", x + 8),
                        ("y1", y - 1),
                        ("y2", y + 13),
                        ("stroke", Palette.Text),
                        ("stroke-width", 2),
                        ("stroke-dasharray", "4 2")
                    )
            )
        );
        items.Add(
            (
                "met / breached",
                (svg, x, y) =>
                {
                    svg.Empty("circle", ("cx", x + 4), ("cy", y + 6), ("r", 4.5), ("fill", Palette.Met));
                    svg.Empty("circle", ("cx", x + 13), ("cy", y + 6), ("r", 4.5), ("fill", Palette.Overdue));
                }
            )
        );
        items.Add(
            (
                "as of",
                (svg, x, y) =>
                    svg.Empty(
                        "line",
                        ("x1", x + 8),
                        ("x2", x + 8),
                        ("y1", y - 1),
                        ("y2", y + 13),
                        ("stroke", Palette.AsOf),
                        ("stroke-width", 1.5),
                        ("stroke-dasharray", "1 2")
                    )
            )
        );
        return items;
    }

    private static (List<(double X, int Row)> Places, int Rows) Layout(
        List<(string Text, Action<SvgWriter, double, double> Swatch)> items,
        double width
    )
    {
        var places = new List<(double, int)>();
        var (x, row) = (0.0, 0);
        foreach (var (text, _) in items)
        {
            var itemWidth = SwatchWidth + 5 + LabelRows.Width(text) + 18;
            if (x > 0 && x + itemWidth > width)
            {
                (x, row) = (0, row + 1);
            }

            places.Add((x, row));
            x += itemWidth;
        }

        return (places, row + 1);
    }

    private static void Box(SvgWriter svg, double x, double y, string fill, string stroke) =>
        svg.Empty(
            "rect",
            ("x", x),
            ("y", y),
            ("width", SwatchWidth),
            ("height", 12),
            ("fill", fill),
            ("stroke", stroke)
        );

    private static void Mark(SvgWriter svg, double x, double y, NotificationKind kind)
    {
        svg.Empty("polygon", ("points", PhaseLane.Symbol(kind, x + 8, y + 6)), ("fill", PhaseLane.MarkColour(kind)));
    }
}

using System.Globalization;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Rendering;

/// <summary>
/// The instants of the picture written out in the calendar's zone, under the legend: each phase's start, due and
/// completion, each pause, and each notification, so that marks a minute apart can still be read exactly.
/// </summary>
internal static class KeyInstants
{
    public const int MaxNotifications = 30;
    private const double LineHeight = 15;
    private const int NotificationColumns = 3;

    public static double Height(SlaStatus status) =>
        Lines(status).Sum(section => 8 + (LineHeight * (1 + Rows(section))));

    public static void Draw(SvgWriter svg, SlaStatus status, LocalText local, double left, double top, double width)
    {
        ArgumentNullException.ThrowIfNull(svg);
        var y = top;
        svg.Start("g", ("class", "key-instants"), ("font-size", 11), ("fill", Palette.Text));
        foreach (var section in Lines(status, local))
        {
            y += 8 + LineHeight;
            svg.Text("text", section.Heading, ("x", left), ("y", y), ("font-weight", "bold"));
            var columnWidth = width / section.Columns;
            for (var i = 0; i < section.Lines.Count; i++)
            {
                var (row, column) = (i / section.Columns, i % section.Columns);
                svg.Text(
                    "text",
                    section.Lines[i],
                    ("x", left + (column * columnWidth)),
                    ("y", y + ((row + 1) * LineHeight))
                );
            }

            y += Rows(section) * LineHeight;
        }

        svg.End();
    }

    private static int Rows(Section section) => (section.Lines.Count + section.Columns - 1) / section.Columns;

    private static List<Section> Lines(SlaStatus status) => Lines(status, null);

    private static List<Section> Lines(SlaStatus status, LocalText? local)
    {
        ArgumentNullException.ThrowIfNull(status);
        string At(NodaTime.Instant at) => local?.Moment(at) ?? string.Empty;
        var sections = new List<Section>
        {
            new(
                $"Phases, as of {At(status.AsOf)}",
                1,
                [
                    .. status.Phases.Select(p =>
                        string.Join(
                            " · ",
                            new[]
                            {
                                PhaseLane.Name(p),
                                $"{DurationText.Format(p.Target)} target",
                                $"started {At(p.StartedAt)}",
                                p.DueAt is { } due ? $"due {At(due)}" : "due: none while paused",
                                p.CompletedAt is { } completed ? $"completed {At(completed)}" : null,
                                $"elapsed {DurationText.Format(p.Elapsed)}",
                                WireNames.Of(p.Outcome),
                            }.OfType<string>()
                        )
                    ),
                ]
            ),
        };
        if (!status.Pauses.IsEmpty)
        {
            sections.Add(
                new(
                    "Pauses",
                    1,
                    [
                        .. status.Pauses.Select(p =>
                            $"{p.Reason} ({(p.Source == PauseSource.Status ? "status" : "explicit")}): {At(p.From)} → {(p.To is { } to ? At(to) : "still paused")}"
                        ),
                    ]
                )
            );
        }

        var notifications = SimulationJson.Ordered(TicketSla.Standing(status.Notifications)).ToList();
        if (notifications.Count > 0)
        {
            var lines = notifications
                .Take(MaxNotifications)
                .Select(n =>
                    $"{At(n.FiredAt)}  {WireNames.Of(n.Phase)}{(n.Cycle > 1 ? $" #{n.Cycle.ToString(CultureInfo.InvariantCulture)}" : string.Empty)} "
                    + $"{WireNames.Of(n.Kind)} {(n.Level is { } level ? $"L{level.ToString(CultureInfo.InvariantCulture)} at " : string.Empty)}"
                    + $"{n.Percent.ToString(CultureInfo.InvariantCulture)}%"
                )
                .ToList();
            if (notifications.Count > MaxNotifications)
            {
                lines.Add(
                    $"… and {(notifications.Count - MaxNotifications).ToString(CultureInfo.InvariantCulture)} more (see the JSON)"
                );
            }

            sections.Add(new("Notifications", NotificationColumns, lines));
        }

        return sections;
    }

    private sealed record Section(string Heading, int Columns, IReadOnlyList<string> Lines);
}

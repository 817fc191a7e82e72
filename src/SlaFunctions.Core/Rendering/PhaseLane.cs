using System.Collections.Immutable;
using System.Globalization;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Rendering;

/// <summary>
/// One phase cycle across time: its bar from start to completion (or the as-of instant), red past its due
/// instant; a line at the due instant; a dot at completion; a mark at each notification it fired, labelled above
/// the bar in as many rows as the labels need.
/// </summary>
internal sealed class PhaseLane
{
    public const double BarHeight = 14;
    private const double RowHeight = 12;
    private const double Padding = 8;

    private readonly ImmutableArray<FiredNotification> marks;
    private readonly ImmutableArray<LabelGroup> labels;

    private PhaseLane(
        PhaseStatus phase,
        Instant asOf,
        ImmutableArray<FiredNotification> marks,
        ImmutableArray<LabelGroup> labels,
        int rowCount,
        double top
    )
    {
        Phase = phase;
        AsOf = asOf;
        this.marks = marks;
        this.labels = labels;
        Top = top;
        Height = Padding + (Math.Max(rowCount, 1) * RowHeight) + 4 + BarHeight + Padding;
    }

    public PhaseStatus Phase { get; }

    public Instant AsOf { get; }

    public double Top { get; }

    public double Height { get; }

    public double BarTop => Top + Height - Padding - BarHeight;

    /// <summary>Where the bar ends: at completion, else at the as-of instant.</summary>
    private Instant BarEnd => Phase.CompletedAt ?? AsOf;

    public static PhaseLane Layout(PhaseStatus phase, SlaStatus status, TimeScale scale, double top)
    {
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(scale);
        var marks = SimulationJson
            .Ordered(TicketSla.Standing(status.Notifications))
            .Where(n => n.Phase == phase.Phase && n.Cycle == phase.Cycle && scale.Contains(n.FiredAt))
            .ToImmutableArray();
        // What happens at one instant shares one label ("90% L2", "breach due"): fewer rows for a burst of marks.
        var parts = marks.Select(n => (At: n.FiredAt, Text: MarkLabel(n), Colour: MarkColour(n.Kind))).ToList();
        if (phase.DueAt is { } due && scale.Contains(due))
        {
            parts.Add((due, "due", DueColour(phase)));
        }

        var groups = parts.GroupBy(p => p.At).OrderBy(g => g.Key).ToList();
        var (rows, count) = LabelRows.Place([
            .. groups
                .Select(g => Text(g))
                .Select((text, i) => (LabelRows.StartOf(scale.X(groups[i].Key), text, scale.Right), text)),
        ]);
        var labels = groups
            .Select((g, i) => new LabelGroup(g.Key, [.. g.Select(p => (p.Text, p.Colour))], rows[i]))
            .ToImmutableArray();
        return new PhaseLane(phase, status.AsOf, marks, labels, count, top);

        static string Text(IEnumerable<(Instant At, string Text, string Colour)> group) =>
            string.Join(' ', group.Select(p => p.Text));
    }

    public static string Name(PhaseStatus phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        return phase.Cycle == 1
            ? WireNames.Of(phase.Phase)
            : $"{WireNames.Of(phase.Phase)} · cycle {phase.Cycle.ToString(CultureInfo.InvariantCulture)}";
    }

    public void Draw(SvgWriter svg, TimeScale scale, LocalText local)
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentNullException.ThrowIfNull(scale);
        svg.Start(
            "g",
            ("class", "lane"),
            ("sla:phase", WireNames.Of(Phase.Phase)),
            ("sla:cycle", Phase.Cycle),
            ("sla:outcome", WireNames.Of(Phase.Outcome))
        );
        svg.Text(
            "text",
            Name(Phase),
            ("x", 12),
            ("y", BarTop + 2),
            ("font-size", 12),
            ("font-weight", "bold"),
            ("fill", Palette.Text)
        );
        svg.Text(
            "text",
            $"{DurationText.Format(Phase.Target)} target · {WireNames.Of(Phase.Outcome)}",
            ("x", 12),
            ("y", BarTop + 15),
            ("font-size", 11),
            ("fill", Palette.MutedText)
        );
        DrawBar(svg, scale, local);
        DrawDue(svg, scale, local);
        foreach (var mark in marks)
        {
            DrawMark(svg, scale, local, mark);
        }

        foreach (var label in labels)
        {
            DrawLabel(svg, scale, label);
        }

        DrawCompletion(svg, scale, local);
        svg.End();
    }

    private double LabelBaseline(int row) => BarTop - 6 - (row * RowHeight);

    private int RowOf(Instant at) => labels.First(l => l.At == at).Row;

    private static string DueColour(PhaseStatus phase) =>
        phase.Outcome == PhaseOutcome.Breached ? Palette.Breach : Palette.Text;

    private void DrawLabel(SvgWriter svg, TimeScale scale, LabelGroup label)
    {
        var text = string.Join(' ', label.Parts.Select(p => p.Text));
        svg.Start(
            "text",
            ("x", LabelRows.StartOf(scale.X(label.At), text, scale.Right)),
            ("y", LabelBaseline(label.Row)),
            ("font-size", 10),
            ("font-weight", "bold")
        );
        for (var i = 0; i < label.Parts.Length; i++)
        {
            svg.Text(
                "tspan",
                i + 1 < label.Parts.Length ? label.Parts[i].Text + " " : label.Parts[i].Text,
                ("fill", label.Parts[i].Colour)
            );
        }

        svg.End();
    }

    private void DrawBar(SvgWriter svg, TimeScale scale, LocalText local)
    {
        var start = scale.X(Phase.StartedAt);
        var end = scale.X(BarEnd);
        var colour = Phase.Outcome == PhaseOutcome.Cancelled ? Palette.Cancelled : Palette.Bar;
        var due = Phase.DueAt is { } d && d < BarEnd ? scale.X(d) : end;
        svg.Start(
            "rect",
            ("class", "bar"),
            ("sla:from", IsoText.Format(Phase.StartedAt)),
            ("sla:to", IsoText.Format(BarEnd)),
            ("x", start),
            ("y", BarTop),
            ("width", Math.Max(due - start, 1)),
            ("height", BarHeight),
            ("fill", colour),
            ("fill-opacity", 0.8)
        );
        svg.Text(
            "title",
            $"{Name(Phase)}: from {local.Moment(Phase.StartedAt)} to {local.Moment(BarEnd)}, elapsed {DurationText.Format(Phase.Elapsed)}, paused {DurationText.Format(Phase.Paused)}"
        );
        svg.End();
        if (due < end)
        {
            svg.Start(
                "rect",
                ("class", "overdue"),
                ("x", due),
                ("y", BarTop),
                ("width", end - due),
                ("height", BarHeight),
                ("fill", Palette.Overdue),
                ("fill-opacity", 0.85)
            );
            svg.Text("title", $"{Name(Phase)}: overdue from {local.Moment(Phase.DueAt!.Value)}");
            svg.End();
        }

        if (Phase.CompletedAt is null && Phase.DueAt is { } ahead && ahead > BarEnd)
        {
            // What is left until the due instant, if nothing else happens.
            svg.Empty(
                "rect",
                ("class", "remaining"),
                ("x", end),
                ("y", BarTop + 2),
                ("width", Math.Max(scale.X(ahead) - end, 0)),
                ("height", BarHeight - 4),
                ("fill", "none"),
                ("stroke", colour),
                ("stroke-dasharray", "3 2")
            );
        }
    }

    private void DrawDue(SvgWriter svg, TimeScale scale, LocalText local)
    {
        if (Phase.DueAt is not { } due || !scale.Contains(due))
        {
            return;
        }

        var x = scale.X(due);
        var colour = DueColour(Phase);
        svg.Start(
            "line",
            ("class", "due"),
            ("sla:at", IsoText.Format(due)),
            ("sla:phase", WireNames.Of(Phase.Phase)),
            ("sla:cycle", Phase.Cycle),
            ("x1", x),
            ("x2", x),
            ("y1", LabelBaseline(RowOf(due)) + 3),
            ("y2", BarTop + BarHeight + 4),
            ("stroke", colour),
            ("stroke-width", 2),
            ("stroke-dasharray", "4 2")
        );
        svg.Text("title", $"{Name(Phase)} due {local.Moment(due)}");
        svg.End();
    }

    private void DrawMark(SvgWriter svg, TimeScale scale, LocalText local, FiredNotification n)
    {
        var x = scale.X(n.FiredAt);
        var colour = MarkColour(n.Kind);
        var kind = WireNames.Of(n.Kind);
        svg.Start(
            "g",
            ("class", "mark"),
            ("sla:kind", kind),
            ("sla:at", IsoText.Format(n.FiredAt)),
            ("sla:percent", n.Percent),
            ("sla:level", n.Level?.ToString(CultureInfo.InvariantCulture) ?? string.Empty)
        );
        svg.Text(
            "title",
            $"{Name(Phase)} {MarkLabel(n)} ({kind} at {n.Percent.ToString(CultureInfo.InvariantCulture)}%) {local.Moment(n.FiredAt)}"
        );
        svg.Empty(
            "line",
            ("x1", x),
            ("x2", x),
            ("y1", LabelBaseline(RowOf(n.FiredAt)) + 3),
            ("y2", BarTop + BarHeight),
            ("stroke", colour),
            ("stroke-width", 1.5)
        );
        svg.Empty(
            "polygon",
            ("points", Symbol(n.Kind, x, BarTop)),
            ("fill", colour),
            ("stroke", Palette.Background),
            ("stroke-width", 1)
        );
        svg.End();
    }

    private void DrawCompletion(SvgWriter svg, TimeScale scale, LocalText local)
    {
        if (Phase.CompletedAt is not { } completed || !scale.Contains(completed))
        {
            return;
        }

        var met = Phase.Outcome == PhaseOutcome.Met;
        svg.Start(
            "circle",
            ("class", "completed"),
            ("sla:at", IsoText.Format(completed)),
            ("cx", scale.X(completed)),
            ("cy", BarTop + (BarHeight / 2)),
            ("r", 5.5),
            ("fill", met ? Palette.Met : Palette.Overdue),
            ("stroke", Palette.Background),
            ("stroke-width", 1.5)
        );
        svg.Text("title", $"{Name(Phase)} completed {local.Moment(completed)}: {WireNames.Of(Phase.Outcome)}");
        svg.End();
    }

    public static string MarkLabel(FiredNotification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var percent = n.Percent.ToString(CultureInfo.InvariantCulture);
        return n.Kind switch
        {
            NotificationKind.Warning => $"{percent}%",
            NotificationKind.Breach => n.Percent == 100 ? "breach" : $"breach {percent}%",
            _ => $"L{n.Level?.ToString(CultureInfo.InvariantCulture)}",
        };
    }

    /// <summary>
    /// The shape of a notification's mark around (x, y): a triangle warns, a diamond breaches, a square escalates.
    /// </summary>
    public static string Symbol(NotificationKind kind, double x, double y) =>
        kind switch
        {
            NotificationKind.Warning => SvgWriter.Points((x - 5, y - 4), (x + 5, y - 4), (x, y + 5)),
            NotificationKind.Breach => SvgWriter.Points((x, y - 6), (x + 5, y), (x, y + 6), (x - 5, y)),
            _ => SvgWriter.Points((x - 4, y - 4), (x + 4, y - 4), (x + 4, y + 4), (x - 4, y + 4)),
        };

    public static string MarkColour(NotificationKind kind) =>
        kind switch
        {
            NotificationKind.Warning => Palette.Warning,
            NotificationKind.Breach => Palette.Breach,
            _ => Palette.Escalation,
        };
}

/// <summary>
/// The labels of what happens at one instant in a lane, each part in its own colour, and the row they take.
/// </summary>
internal sealed record LabelGroup(Instant At, ImmutableArray<(string Text, string Colour)> Parts, int Row);

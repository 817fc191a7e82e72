using System.Collections.Immutable;
using NodaTime;

namespace SlaFunctions.Core.Rendering;

/// <summary>
/// The time axis: maps instants to x. Open time is drawn at one rate and closed time (nights, weekends,
/// holidays) at a lower one once it would take more than <see cref="MaxClosedShare"/> of the width, so a
/// week-long ticket stays readable. Both rates are linear in real time, so a day that DST shortens or lengthens
/// is drawn with its real length.
/// </summary>
internal sealed class TimeScale
{
    public const double MaxClosedShare = 0.2;

    private TimeScale(
        Instant start,
        Instant end,
        double left,
        double width,
        ImmutableArray<TimeSegment> segments,
        double compression
    )
    {
        Start = start;
        End = end;
        Left = left;
        Width = width;
        Segments = segments;
        Compression = compression;
    }

    public Instant Start { get; }

    public Instant End { get; }

    public double Left { get; }

    public double Width { get; }

    public double Right => Left + Width;

    /// <summary>The span cut into alternating closed and open segments, each with its place on the axis.</summary>
    public ImmutableArray<TimeSegment> Segments { get; }

    /// <summary>How many times narrower closed time is drawn than open time; 1 when it is not compressed.</summary>
    public double Compression { get; }

    /// <summary>Open time is given by <paramref name="open"/> (ordered, disjoint, inside the span).</summary>
    public static TimeScale Build(Instant start, Instant end, IReadOnlyList<Interval> open, double left, double width)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (end <= start)
        {
            throw new ArgumentException("The span must not be empty.", nameof(end));
        }

        var pieces = new List<(Instant From, Instant To, bool Open)>();
        var cursor = start;
        foreach (var period in open)
        {
            if (period.Start > cursor)
            {
                pieces.Add((cursor, period.Start, false));
            }

            pieces.Add((period.Start, period.End, true));
            cursor = period.End;
        }

        if (cursor < end)
        {
            pieces.Add((cursor, end, false));
        }

        var openSeconds = pieces.Where(p => p.Open).Sum(p => (p.To - p.From).TotalSeconds);
        var closedSeconds = pieces.Where(p => !p.Open).Sum(p => (p.To - p.From).TotalSeconds);
        var linear = width / (openSeconds + closedSeconds);
        var (openRate, closedRate) =
            openSeconds > 0 && closedSeconds / (openSeconds + closedSeconds) > MaxClosedShare
                ? (width * (1 - MaxClosedShare) / openSeconds, width * MaxClosedShare / closedSeconds)
                : (linear, linear);

        var segments = ImmutableArray.CreateBuilder<TimeSegment>(pieces.Count);
        var x = left;
        foreach (var (from, to, isOpen) in pieces)
        {
            var next = x + ((to - from).TotalSeconds * (isOpen ? openRate : closedRate));
            segments.Add(new TimeSegment(from, to, isOpen, x, next));
            x = next;
        }

        return new TimeScale(start, end, left, width, segments.MoveToImmutable(), openRate / closedRate);
    }

    /// <summary>The x of an instant; instants outside the span are held at its edges.</summary>
    public double X(Instant at)
    {
        if (at <= Start)
        {
            return Left;
        }

        if (at >= End)
        {
            return Right;
        }

        var (low, high) = (0, Segments.Length - 1);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            (low, high) = Segments[middle].From <= at ? (middle, high) : (low, middle - 1);
        }

        var segment = Segments[low];
        return segment.X0
            + ((segment.X1 - segment.X0) * (at - segment.From).TotalSeconds / (segment.To - segment.From).TotalSeconds);
    }

    public bool Contains(Instant at) => at >= Start && at <= End;
}

/// <summary>A stretch of open or closed time and where it lies on the axis.</summary>
internal readonly record struct TimeSegment(Instant From, Instant To, bool Open, double X0, double X1);

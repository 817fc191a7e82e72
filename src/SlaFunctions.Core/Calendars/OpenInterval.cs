using NodaTime;

namespace SlaFunctions.Core.Calendars;

/// <summary>
/// Weekly open hours on one ISO day, in the calendar's local time. <see cref="EndsAtMidnight"/> stands for
/// an end of 24:00; an end earlier than the start runs past midnight into the next day.
/// </summary>
public sealed record OpenInterval(IsoDayOfWeek Day, LocalTime Start, LocalTime End, bool EndsAtMidnight = false)
{
    private const long NanosecondsPerWeek = 7 * NodaConstants.NanosecondsPerDay;

    public bool RunsOvernight => !EndsAtMidnight && End < Start;

    /// <summary>
    /// Length in local wall-clock time (DST ignored); zero for an interval whose end equals its start.
    /// </summary>
    public Duration WallLength =>
        EndsAtMidnight ? Duration.FromDays(1) - Duration.FromNanoseconds(Start.NanosecondOfDay)
        : RunsOvernight ? Duration.FromDays(1) - Duration.FromNanoseconds(Start.NanosecondOfDay - End.NanosecondOfDay)
        : Duration.FromNanoseconds(End.NanosecondOfDay - Start.NanosecondOfDay);

    /// <summary>True when both intervals claim some of the same weekly wall-clock time.</summary>
    public bool Overlaps(OpenInterval other)
    {
        var (a, aLength) = WeekSpan();
        var (b, bLength) = other.WeekSpan();
        // On a circle of one week: two arcs overlap when either starts inside the other.
        return Mod(b - a) < aLength || Mod(a - b) < bLength;
    }

    /// <summary>The first interval that overlaps an earlier one, with that earlier one (by index), or null.</summary>
    public static (int Index, int Earlier)? FirstOverlap(IReadOnlyList<OpenInterval> intervals)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        for (var i = 0; i < intervals.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (intervals[i].Overlaps(intervals[j]))
                {
                    return (i, j);
                }
            }
        }

        return null;
    }

    private (long Start, long Length) WeekSpan() =>
        ((((int)Day - 1) * NodaConstants.NanosecondsPerDay) + Start.NanosecondOfDay, (long)WallLength.TotalNanoseconds);

    private static long Mod(long nanoseconds) =>
        ((nanoseconds % NanosecondsPerWeek) + NanosecondsPerWeek) % NanosecondsPerWeek;
}

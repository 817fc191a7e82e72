using NodaTime;
using SlaFunctions.Core.Calendars;

namespace SlaFunctions.Core.Tests.Oracle;

/// <summary>
/// SPEC §2's calendar written the slow, obvious way, for comparison only: every weekly interval occurrence
/// in a window of local dates becomes [map(start), map(end)) with map choosing the earlier instant when
/// ambiguous and the end of the gap when skipped; a holiday removes [map(date 00:00), map(next 00:00)).
/// Time is then counted one minute at a time.
/// </summary>
public sealed class MinuteCalendarOracle
{
    private static readonly Duration Minute = Duration.FromMinutes(1);
    private readonly DateTimeZone zone;
    private readonly bool alwaysOpen;
    private readonly List<(Instant Start, Instant End)> open = [];
    private readonly List<(Instant Start, Instant End)> closed = [];

    public MinuteCalendarOracle(BusinessCalendar definition, LocalDate firstDate, LocalDate lastDate)
    {
        zone = definition.Zone;
        alwaysOpen = definition.Is24x7;
        for (var date = firstDate; date <= lastDate; date = date.PlusDays(1))
        {
            foreach (var interval in definition.Hours.Where(h => h.Day == date.DayOfWeek))
            {
                var localStart = date + interval.Start;
                var localEnd =
                    interval.EndsAtMidnight ? date.PlusDays(1).AtMidnight()
                    : interval.End < interval.Start ? date.PlusDays(1) + interval.End
                    : date + interval.End;
                open.Add((Map(localStart), Map(localEnd)));
            }

            if (
                definition.Holidays.Any(h =>
                    h.Recurring ? h.Date.Month == date.Month && h.Date.Day == date.Day : h.Date == date
                )
            )
            {
                closed.Add((Map(date.AtMidnight()), Map(date.PlusDays(1).AtMidnight())));
            }
        }

        open.RemoveAll(r => r.End <= r.Start);
        open.Sort();
        closed.Sort();
    }

    private int openCursor = -1;
    private int closedCursor = -1;

    public bool IsOpen(Instant minute) =>
        alwaysOpen || (Contains(open, minute, ref openCursor) && !Contains(closed, minute, ref closedCursor));

    public Duration BusinessTimeBetween(Instant start, Instant until)
    {
        var minutes = 0;
        for (var m = start; m < until; m += Minute)
        {
            minutes += IsOpen(m) ? 1 : 0;
        }

        return Duration.FromMinutes(minutes);
    }

    public Instant AddBusinessTime(Instant start, int minutes, Instant giveUpAt)
    {
        var counted = 0;
        for (var m = start; counted < minutes; m += Minute)
        {
            if (m >= giveUpAt)
            {
                throw new InvalidOperationException("The oracle's window is too short for this case.");
            }

            counted += IsOpen(m) ? 1 : 0;
            if (counted == minutes)
            {
                return m + Minute;
            }
        }

        return start;
    }

    /// <summary>
    /// The ranges are disjoint and sorted: the last one starting at or before the instant decides. Walks
    /// move forward minute by minute, so the search resumes from where the previous one ended.
    /// </summary>
    private static bool Contains(List<(Instant Start, Instant End)> ranges, Instant instant, ref int cursor)
    {
        if (cursor >= ranges.Count || (cursor >= 0 && ranges[cursor].Start > instant))
        {
            cursor = -1;
        }

        while (cursor + 1 < ranges.Count && ranges[cursor + 1].Start <= instant)
        {
            cursor++;
        }

        return cursor >= 0 && instant < ranges[cursor].End;
    }

    private Instant Map(LocalDateTime local)
    {
        var mapping = zone.MapLocal(local);
        return mapping.Count == 0 ? mapping.LateInterval.Start : mapping.First().ToInstant();
    }
}

using NodaTime;

namespace SlaFunctions.Bench.Calendar;

/// <summary>
/// How the system this product replaces computes business time: one minute at a time, converting each
/// minute to local time and checking weekday, hours and holidays. The baseline, kept only for comparison.
/// </summary>
public sealed class MinuteSteppingCalendar(
    DateTimeZone zone,
    LocalTime open,
    LocalTime close,
    IReadOnlySet<LocalDate> holidays
)
{
    private static readonly Duration Minute = Duration.FromMinutes(1);

    public bool IsOpen(Instant minute)
    {
        var local = minute.InZone(zone).LocalDateTime;
        return local.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)
            && !holidays.Contains(local.Date)
            && local.TimeOfDay >= open
            && local.TimeOfDay < close;
    }

    public Instant AddBusinessTime(Instant start, Duration amount)
    {
        var remaining = (long)amount.TotalMinutes;
        var m = start;
        while (remaining > 0)
        {
            if (IsOpen(m))
            {
                remaining--;
            }

            m += Minute;
        }

        return m;
    }

    public Duration BusinessTimeBetween(Instant start, Instant until)
    {
        var minutes = 0;
        for (var m = start; m < until; m += Minute)
        {
            minutes += IsOpen(m) ? 1 : 0;
        }

        return Duration.FromMinutes(minutes);
    }
}

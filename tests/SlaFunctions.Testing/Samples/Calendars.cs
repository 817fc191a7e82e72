using NodaTime;
using SlaFunctions.Core.Calendars;

namespace SlaFunctions.Testing.Samples;

public static class Calendars
{
    public static readonly IsoDayOfWeek[] Weekdays =
    [
        IsoDayOfWeek.Monday,
        IsoDayOfWeek.Tuesday,
        IsoDayOfWeek.Wednesday,
        IsoDayOfWeek.Thursday,
        IsoDayOfWeek.Friday,
    ];

    /// <summary>
    /// Weekdays from <paramref name="start"/> to <paramref name="end"/> ("24:00" allowed) in the zone.
    /// </summary>
    public static BusinessCalendar Weekdays9To5(string zone = "America/New_York", params Holiday[] holidays) =>
        Daily(zone, Weekdays, "09:00", "17:00", holidays);

    public static BusinessCalendar Daily(
        string zone,
        IsoDayOfWeek[] days,
        string start,
        string end,
        params Holiday[] holidays
    ) => new(DateTimeZoneProviders.Tzdb[zone], days.Select(d => Interval(d, start, end)), holidays);

    public static OpenInterval Interval(IsoDayOfWeek day, string start, string end) =>
        end == "24:00"
            ? new OpenInterval(day, At.Time(start), LocalTime.Midnight, EndsAtMidnight: true)
            : new OpenInterval(day, At.Time(start), At.Time(end));

    public static IsoDayOfWeek[] AllDays => [.. Enumerable.Range(1, 7).Select(d => (IsoDayOfWeek)d)];
}

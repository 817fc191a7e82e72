using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace SlaFunctions.Core.Calendars;

/// <summary>
/// The holidays of a calendar as day numbers (<see cref="DateOnly.DayNumber"/>), expanded per year on
/// first use, so that walks over days ask "when is the next holiday" instead of testing every day.
/// </summary>
internal sealed class HolidaySet
{
    private readonly ImmutableArray<Holiday> holidays;
    private readonly int lastOneOffYear;
    private readonly bool anyRecurring;
    private readonly ConcurrentDictionary<int, int[]> daysByYear = new();

    public HolidaySet(ImmutableArray<Holiday> holidays)
    {
        this.holidays = holidays;
        anyRecurring = holidays.Any(h => h.Recurring);
        lastOneOffYear = holidays.Where(h => !h.Recurring).Select(h => h.Date.Year).DefaultIfEmpty(int.MinValue).Max();
    }

    /// <summary>The first holiday on or after the day, or <see cref="int.MaxValue"/> when there is none.</summary>
    public int NextOnOrAfter(int dayNumber)
    {
        // A recurring 29 February recurs only in leap years: at most eight years apart.
        var firstYear = DateOnly.FromDayNumber(dayNumber).Year;
        var lastYear = anyRecurring ? Math.Min(firstYear + 8, DateOnly.MaxValue.Year) : lastOneOffYear;
        for (var year = firstYear; year <= lastYear; year++)
        {
            var days = DaysOf(year);
            var index = Array.BinarySearch(days, dayNumber);
            index = index >= 0 ? index : ~index;
            if (index < days.Length)
            {
                return days[index];
            }
        }

        return int.MaxValue;
    }

    private int[] DaysOf(int year) =>
        daysByYear.TryGetValue(year, out var days) ? days : daysByYear.GetOrAdd(year, Expand(year));

    private int[] Expand(int y) =>
        [
            .. holidays
                .Where(h =>
                    h.Recurring ? h.Date.Month != 2 || h.Date.Day != 29 || DateTime.IsLeapYear(y) : h.Date.Year == y
                )
                .Select(h => new DateOnly(y, h.Date.Month, h.Date.Day).DayNumber)
                .Distinct()
                .Order(),
        ];
}

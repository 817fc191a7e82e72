using BenchmarkDotNet.Attributes;
using NodaTime;
using SlaFunctions.Core.Calendars;

namespace SlaFunctions.Bench.Calendar;

/// <summary>
/// Tickets with a 30-business-day resolution target on a New York calendar open weekdays 09:00-17:00
/// with 20 holidays a year: their due instants, and the business time each has used by then. Twelve
/// tickets, one created each month of 2026 at a different time of day, so that starts next to the
/// daylight-saving changes weigh in as often as they happen.
/// </summary>
[MemoryDiagnoser]
public class CalendarBenchmarks
{
    public static readonly Duration Target = Duration.FromHours(30 * 8);

    public static readonly Instant[] Created =
    [
        .. Enumerable
            .Range(1, 12)
            .Select(month => Instant.FromUtc(2026, month, 2 + (month % 6), 7 + month, 17 * month % 60)),
    ];

    private readonly BusinessCalendar calendar;
    private readonly MinuteSteppingCalendar baseline;
    private readonly Instant[] due;

    public CalendarBenchmarks()
    {
        var zone = DateTimeZoneProviders.Tzdb["America/New_York"];
        var holidays = HolidaysPerYear(2026).Concat(HolidaysPerYear(2027)).ToHashSet();
        calendar = new BusinessCalendar(
            zone,
            Enumerable
                .Range(1, 5)
                .Select(d => new OpenInterval((IsoDayOfWeek)d, new LocalTime(9, 0), new LocalTime(17, 0))),
            holidays.Select(h => new Holiday(h))
        );
        baseline = new MinuteSteppingCalendar(zone, new LocalTime(9, 0), new LocalTime(17, 0), holidays);
        due = [.. Created.Select(c => calendar.AddBusinessTime(c, Target)!.Value)];
    }

    /// <summary>Both ways must agree on every ticket before either is timed.</summary>
    public void Verify()
    {
        if (!DueByCalendar().SequenceEqual(DueByMinuteWalk()) || !UsedByCalendar().SequenceEqual(UsedByMinuteWalk()))
        {
            throw new InvalidOperationException("The calendar disagrees with the minute walk.");
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("due")]
    public Instant[] DueByMinuteWalk() => [.. Created.Select(c => baseline.AddBusinessTime(c, Target))];

    [Benchmark]
    [BenchmarkCategory("due")]
    public Instant[] DueByCalendar() => [.. Created.Select(c => calendar.AddBusinessTime(c, Target)!.Value)];

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("used")]
    public Duration[] UsedByMinuteWalk() => [.. Created.Select((c, i) => baseline.BusinessTimeBetween(c, due[i]))];

    [Benchmark]
    [BenchmarkCategory("used")]
    public Duration[] UsedByCalendar() => [.. Created.Select((c, i) => calendar.BusinessTimeBetween(c, due[i]))];

    /// <summary>Ten US federal holidays, plus the days around them many help desks close: twenty dates.</summary>
    private static IEnumerable<LocalDate> HolidaysPerYear(int year) =>
        new[]
        {
            (1, 1),
            (1, 2),
            (1, 19),
            (2, 16),
            (4, 3),
            (5, 25),
            (6, 19),
            (7, 3),
            (7, 4),
            (9, 7),
            (10, 12),
            (11, 11),
            (11, 26),
            (11, 27),
            (12, 24),
            (12, 25),
            (12, 28),
            (12, 29),
            (12, 30),
            (12, 31),
        }.Select(d => new LocalDate(year, d.Item1, d.Item2));
}

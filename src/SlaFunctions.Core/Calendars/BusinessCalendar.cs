using System.Collections.Immutable;
using NodaTime;
using NodaTime.TimeZones;

namespace SlaFunctions.Core.Calendars;

/// <summary>
/// Business hours in an IANA zone: weekly open intervals minus holidays, or 24x7.
/// Open time is the union of each interval's mapped instants: a skipped local time maps to the end of
/// the gap, an ambiguous one to the earlier instant, and holidays remove whole local dates.
/// </summary>
public sealed class BusinessCalendar : IBusinessClock
{
    private static readonly Duration OneDay = Duration.FromDays(1);
    private static readonly Duration OneWeek = Duration.FromDays(7);
    private static readonly int UnixEpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>How far <see cref="AddBusinessTime"/> searches before concluding the time never accrues.</summary>
    private const int SearchHorizonDays = 100 * 366;

    // Open pieces of each ISO day (index 1..7) as [start, end) nanoseconds after local midnight,
    // overnight intervals already split at midnight so that holidays can remove whole local dates.
    private readonly LocalPiece[][] piecesByIsoDay;
    private readonly HolidaySet holidaySet;

    /// <summary>
    /// The open time of each ISO day (index 1..7), and of a whole week, on days without an offset change.
    /// </summary>
    private readonly Duration[] dailyOpen;
    private readonly Duration weeklyOpen;

    public BusinessCalendar(
        DateTimeZone zone,
        IEnumerable<OpenInterval> hours,
        IEnumerable<Holiday> holidays,
        bool is24x7 = false
    )
    {
        ArgumentNullException.ThrowIfNull(zone);
        Zone = zone;
        Is24x7 = is24x7;
        Hours = [.. hours];
        Holidays = [.. holidays];
        for (var i = 0; i < Hours.Length; i++)
        {
            if (Hours[i].WallLength == Duration.Zero)
            {
                throw new ArgumentException($"Open interval {i} is empty.", nameof(hours));
            }
        }

        if (OpenInterval.FirstOverlap(Hours) is var (later, earlier))
        {
            throw new ArgumentException($"Open interval {later} overlaps open interval {earlier}.", nameof(hours));
        }

        piecesByIsoDay = SplitByDay(Hours);
        holidaySet = new HolidaySet(Holidays);
        dailyOpen = [.. piecesByIsoDay.Select(day => Duration.FromNanoseconds(day.Sum(p => p.End - p.Start)))];
        weeklyOpen = dailyOpen.Aggregate(Duration.Zero, (a, b) => a + b);
    }

    public DateTimeZone Zone { get; }

    public bool Is24x7 { get; }

    public ImmutableArray<OpenInterval> Hours { get; }

    public ImmutableArray<Holiday> Holidays { get; }

    public Duration BusinessTimeBetween(Instant start, Instant until)
    {
        if (Is24x7)
        {
            return AlwaysOpenClock.Instance.BusinessTimeBetween(start, until);
        }

        var total = Duration.Zero;
        if (until <= start)
        {
            return total;
        }

        // Start a day early: an overnight piece of the previous local date may still be open at start.
        var walk = new DayWalk(this, LocalDayNumber(start) - 1);
        while (true)
        {
            var map = walk.Map();
            if (map.Start >= until)
            {
                return total;
            }

            if (map.Start >= start && map.Start + OneWeek <= until && walk.UniformWeekOpen(map) is { } weekOpen)
            {
                total += weekOpen;
                walk.Advance(7);
                continue;
            }

            if (!walk.IsHoliday)
            {
                foreach (var piece in piecesByIsoDay[IsoDay(map.DayNumber)])
                {
                    var pieceStart = map.At(piece.Start, this);
                    if (pieceStart >= until)
                    {
                        break;
                    }

                    var pieceEnd = map.At(piece.End, this);
                    if (pieceEnd > start)
                    {
                        total += Min(pieceEnd, until) - Max(pieceStart, start);
                    }
                }
            }

            walk.Advance(1);
        }
    }

    /// <summary>
    /// The open time inside [start, until) as ordered, disjoint periods, touching ones joined: what
    /// <see cref="BusinessTimeBetween"/> adds up, for drawing it.
    /// </summary>
    public ImmutableArray<Interval> OpenPeriodsBetween(Instant start, Instant until)
    {
        if (until <= start)
        {
            return [];
        }

        if (Is24x7)
        {
            return [new Interval(start, until)];
        }

        var periods = ImmutableArray.CreateBuilder<Interval>();
        var walk = new DayWalk(this, LocalDayNumber(start) - 1);
        for (var map = walk.Map(); map.Start < until; walk.Advance(1), map = walk.Map())
        {
            if (walk.IsHoliday)
            {
                continue;
            }

            foreach (var piece in piecesByIsoDay[IsoDay(map.DayNumber)])
            {
                var from = Max(map.At(piece.Start, this), start);
                var to = Min(map.At(piece.End, this), until);
                if (from >= until)
                {
                    break;
                }

                if (to <= from)
                {
                    continue;
                }

                if (periods.Count > 0 && periods[^1].End >= from)
                {
                    from = periods[^1].Start;
                    to = Max(to, periods[^1].End);
                    periods.RemoveAt(periods.Count - 1);
                }

                periods.Add(new Interval(from, to));
            }
        }

        return periods.ToImmutable();
    }

    public Instant? AddBusinessTime(Instant start, Duration amount)
    {
        if (Is24x7 || amount <= Duration.Zero)
        {
            return AlwaysOpenClock.Instance.AddBusinessTime(start, amount);
        }

        var remaining = amount;
        var firstDay = LocalDayNumber(start) - 1;
        var walk = new DayWalk(this, firstDay);
        while (walk.Day < firstDay + SearchHorizonDays)
        {
            var pieces = piecesByIsoDay[IsoDay(walk.Day)];
            if (walk.IsHoliday || pieces.Length == 0)
            {
                walk.Advance(1);
                continue;
            }

            var map = walk.Map();
            if (
                map.Start >= start
                && remaining > weeklyOpen
                && walk.UniformWeekOpen(map) is { } weekOpen
                && remaining > weekOpen
            )
            {
                remaining -= weekOpen;
                walk.Advance(7);
                continue;
            }

            foreach (var piece in pieces)
            {
                var pieceEnd = map.At(piece.End, this);
                if (pieceEnd <= start)
                {
                    continue;
                }

                var from = Max(map.At(piece.Start, this), start);
                var open = pieceEnd - from;
                if (open >= remaining)
                {
                    return from + remaining;
                }

                remaining -= open;
            }

            walk.Advance(1);
        }

        return null;
    }

    private static LocalPiece[][] SplitByDay(IEnumerable<OpenInterval> hours)
    {
        var byDay = Enumerable.Range(0, 8).Select(_ => new List<LocalPiece>()).ToArray();
        foreach (var hour in hours)
        {
            var day = (int)hour.Day;
            var start = hour.Start.NanosecondOfDay;
            if (hour.EndsAtMidnight || hour.RunsOvernight)
            {
                byDay[day].Add(new LocalPiece(start, NodaConstants.NanosecondsPerDay));
                if (hour.RunsOvernight && hour.End.NanosecondOfDay > 0)
                {
                    byDay[(day % 7) + 1].Add(new LocalPiece(0, hour.End.NanosecondOfDay));
                }
            }
            else
            {
                byDay[day].Add(new LocalPiece(start, hour.End.NanosecondOfDay));
            }
        }

        return [.. byDay.Select(pieces => pieces.OrderBy(p => p.Start).ToArray())];
    }

    private static int IsoDay(int dayNumber) => (dayNumber % 7) + 1; // day number 0 (0001-01-01) is a Monday

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    private int LocalDayNumber(Instant instant)
    {
        var localTicks =
            instant.ToUnixTimeTicks() + (Zone.GetUtcOffset(instant).Seconds * NodaConstants.TicksPerSecond);
        var days = localTicks / NodaConstants.TicksPerDay;
        return (int)(localTicks % NodaConstants.TicksPerDay < 0 ? days - 1 : days) + UnixEpochDayNumber;
    }

    private Instant Resolve(int dayNumber, long nanosecondOfDay) =>
        MapLocal(
            LocalDate.FromDateOnly(DateOnly.FromDayNumber(dayNumber)).AtMidnight().PlusNanoseconds(nanosecondOfDay)
        ).At;

    /// <summary>
    /// SPEC §2: a local time that does not exist maps to the end of the gap, an ambiguous one to the
    /// earlier instant. Also says how many instants had that local time.
    /// </summary>
    private (Instant At, int Count) MapLocal(LocalDateTime local)
    {
        var mapping = Zone.MapLocal(local);
        return (mapping.Count == 0 ? mapping.LateInterval.Start : mapping.First().ToInstant(), mapping.Count);
    }

    /// <summary>
    /// Walks local dates forward. Each date maps to the instant its midnight resolves to; on an ordinary
    /// day (an unambiguous midnight and one zone offset until after the next midnight) every local time of
    /// the day is then plain arithmetic, and only days at a transition map each time through the zone.
    /// Seven ordinary days in a row hold exactly the weekly open time, less that of their holidays.
    /// </summary>
    private struct DayWalk(BusinessCalendar calendar, int day)
    {
        // The zone interval of the last ordinary day, once a day in it proved its midnight unambiguous:
        // every later local time in the interval is then unambiguous too.
        private ZoneInterval? interval;
        private int nextHoliday = calendar.holidaySet.NextOnOrAfter(day);

        public int Day { get; private set; } = day;

        public readonly bool IsHoliday => Day == nextHoliday;

        public void Advance(int days)
        {
            Day += days;
            if (Day > nextHoliday)
            {
                nextHoliday = calendar.holidaySet.NextOnOrAfter(Day);
            }
        }

        public DayMap Map()
        {
            var utcMidnight = Instant.FromUnixTimeTicks((Day - UnixEpochDayNumber) * NodaConstants.TicksPerDay);
            if (interval is not null)
            {
                var candidate = utcMidnight - Duration.FromSeconds(interval.WallOffset.Seconds);
                if (!interval.HasEnd || candidate + OneDay < interval.End)
                {
                    return new DayMap(Day, candidate, Uniform: true);
                }
            }

            var (dayStart, count) = calendar.MapLocal(LocalDate.FromDateOnly(DateOnly.FromDayNumber(Day)).AtMidnight());
            var current = calendar.Zone.GetZoneInterval(dayStart);
            var uniform = count == 1 && (!current.HasEnd || dayStart + OneDay < current.End);
            interval = uniform ? current : null;
            return new DayMap(Day, dayStart, uniform);
        }

        /// <summary>
        /// The open time of the seven days from this one when they share one zone offset (the weekly open
        /// time less that of the holidays among them), or null when an offset change falls inside.
        /// </summary>
        public readonly Duration? UniformWeekOpen(DayMap map)
        {
            if (!map.Uniform || interval!.HasEnd && map.Start + OneWeek >= interval.End)
            {
                return null;
            }

            var open = calendar.weeklyOpen;
            for (var holiday = nextHoliday; holiday < Day + 7; holiday = calendar.holidaySet.NextOnOrAfter(holiday + 1))
            {
                open -= calendar.dailyOpen[IsoDay(holiday)];
            }

            return open;
        }
    }

    private readonly record struct LocalPiece(long Start, long End);

    private readonly record struct DayMap(int DayNumber, Instant Start, bool Uniform)
    {
        public Instant At(long nanosecondOfDay, BusinessCalendar calendar) =>
            Uniform ? Start.PlusNanoseconds(nanosecondOfDay) : calendar.Resolve(DayNumber, nanosecondOfDay);
    }
}

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
    private static readonly ZoneLocalMappingResolver Resolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    private static readonly Duration OneDay = Duration.FromDays(1);
    private static readonly int UnixEpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>How far <see cref="AddBusinessTime"/> searches before concluding the time never accrues.</summary>
    private const int SearchHorizonDays = 100 * 366;

    // Open pieces of each ISO day (index 1..7) as [start, end) nanoseconds after local midnight,
    // overnight intervals already split at midnight so that holidays can remove whole local dates.
    private readonly LocalPiece[][] piecesByIsoDay;
    private readonly HashSet<int> oneOffHolidayDays;
    private readonly HashSet<(int Month, int Day)> recurringHolidays;

    public BusinessCalendar(DateTimeZone zone, IEnumerable<OpenInterval> hours, IEnumerable<Holiday> holidays, bool is24x7 = false)
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

            for (var j = 0; j < i; j++)
            {
                if (Hours[i].Overlaps(Hours[j]))
                {
                    throw new ArgumentException($"Open interval {i} overlaps open interval {j}.", nameof(hours));
                }
            }
        }

        piecesByIsoDay = SplitByDay(Hours);
        oneOffHolidayDays = [.. Holidays.Where(h => !h.Recurring).Select(h => h.Date.ToDateOnly().DayNumber)];
        recurringHolidays = [.. Holidays.Where(h => h.Recurring).Select(h => (h.Date.Month, h.Date.Day))];
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

        ZoneInterval? interval = null;
        // Start a day early: an overnight piece of the previous local date may still be open at start.
        for (var day = LocalDayNumber(start) - 1; ; day++)
        {
            var map = MapDay(day, ref interval);
            if (map.Start >= until)
            {
                return total;
            }

            if (IsHoliday(day))
            {
                continue;
            }

            foreach (var piece in piecesByIsoDay[IsoDay(day)])
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
    }

    public Instant? AddBusinessTime(Instant start, Duration amount)
    {
        if (Is24x7 || amount <= Duration.Zero)
        {
            return AlwaysOpenClock.Instance.AddBusinessTime(start, amount);
        }

        var remaining = amount;
        ZoneInterval? interval = null;
        var firstDay = LocalDayNumber(start) - 1;
        for (var day = firstDay; day < firstDay + SearchHorizonDays; day++)
        {
            if (IsHoliday(day))
            {
                continue;
            }

            var pieces = piecesByIsoDay[IsoDay(day)];
            if (pieces.Length == 0)
            {
                continue;
            }

            var map = MapDay(day, ref interval);
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
        var localTicks = instant.ToUnixTimeTicks() + (Zone.GetUtcOffset(instant).Seconds * NodaConstants.TicksPerSecond);
        var days = localTicks / NodaConstants.TicksPerDay;
        return (int)(localTicks % NodaConstants.TicksPerDay < 0 ? days - 1 : days) + UnixEpochDayNumber;
    }

    private bool IsHoliday(int dayNumber)
    {
        if (oneOffHolidayDays.Contains(dayNumber))
        {
            return true;
        }

        if (recurringHolidays.Count == 0)
        {
            return false;
        }

        var date = DateOnly.FromDayNumber(dayNumber);
        return recurringHolidays.Contains((date.Month, date.Day));
    }

    private Instant Resolve(int dayNumber, long nanosecondOfDay)
    {
        var midnight = LocalDate.FromDateOnly(DateOnly.FromDayNumber(dayNumber)).AtMidnight();
        return Zone.ResolveLocal(midnight.PlusNanoseconds(nanosecondOfDay), Resolver).ToInstant();
    }

    /// <summary>
    /// Maps a local date to the instant its midnight resolves to. On an ordinary day (one zone offset from
    /// a day before midnight until after the next midnight) every local time of the day is then plain
    /// arithmetic; only days near a transition go through the resolver.
    /// </summary>
    private DayMap MapDay(int dayNumber, ref ZoneInterval? interval)
    {
        var utcMidnight = Instant.FromUnixTimeTicks((dayNumber - UnixEpochDayNumber) * NodaConstants.TicksPerDay);
        if (interval is not null)
        {
            var candidate = utcMidnight - Duration.FromSeconds(interval.WallOffset.Seconds);
            if (IsUniformDay(interval, candidate))
            {
                return new DayMap(dayNumber, candidate, Uniform: true);
            }
        }

        var dayStart = Resolve(dayNumber, 0);
        interval = Zone.GetZoneInterval(dayStart);
        var expected = utcMidnight - Duration.FromSeconds(interval.WallOffset.Seconds);
        return new DayMap(dayNumber, dayStart, Uniform: expected == dayStart && IsUniformDay(interval, dayStart));
    }

    private static bool IsUniformDay(ZoneInterval interval, Instant dayStart) =>
        (!interval.HasStart || dayStart - interval.Start >= OneDay) && (!interval.HasEnd || dayStart + OneDay < interval.End);

    private readonly record struct LocalPiece(long Start, long End);

    private readonly record struct DayMap(int DayNumber, Instant Start, bool Uniform)
    {
        public Instant At(long nanosecondOfDay, BusinessCalendar calendar) =>
            Uniform ? Start.PlusNanoseconds(nanosecondOfDay) : calendar.Resolve(DayNumber, nanosecondOfDay);
    }
}

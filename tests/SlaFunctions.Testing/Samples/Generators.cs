using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using SlaFunctions.Core.Calendars;

namespace SlaFunctions.Testing.Samples;

/// <summary>Random calendars and instants around the daylight-saving transitions of real zones.</summary>
public static class Generators
{
    public static readonly string[] Zones =
    [
        "America/New_York",
        "Europe/London",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "Pacific/Apia",
    ];

    private static readonly NodaTime.Interval Years = new(
        Instant.FromUtc(2009, 1, 1, 0, 0),
        Instant.FromUtc(2036, 1, 1, 0, 0)
    );

    /// <summary>Zone transitions (and for zones without any, plain days) to centre cases on.</summary>
    private static readonly Dictionary<string, Instant[]> Anchors = Zones.ToDictionary(
        z => z,
        z =>
        {
            var transitions = DateTimeZoneProviders
                .Tzdb[z]
                .GetZoneIntervals(Years)
                .Skip(1)
                .Select(i => i.Start)
                .ToArray();
            return transitions.Length > 0
                ? transitions
                : [.. Enumerable.Range(0, 50).Select(i => Years.Start + Duration.FromDays(200 * i))];
        }
    );

    public static Gen<BusinessCalendar> Calendar(string zone, Instant anchor) =>
        from is24x7 in Gen.Frequency((1, Gen.Constant(true)), (9, Gen.Constant(false)))
        from hours in Gen.ListOf(Interval()).Select(NonOverlapping)
        from oneOff in Gen.ListOf(Gen.Choose(-12, 12)).Select(days => days.Take(4))
        from recurring in Gen.ListOf(Gen.Choose(-12, 12)).Select(days => days.Take(2))
        let anchorDate = anchor.InZone(DateTimeZoneProviders.Tzdb[zone]).Date
        select new BusinessCalendar(
            DateTimeZoneProviders.Tzdb[zone],
            hours.Count == 0 ? [Samples.Calendars.Interval(IsoDayOfWeek.Monday, "09:00", "17:00")] : hours,
            oneOff
                .Select(d => new Holiday(anchorDate.PlusDays(d)))
                .Concat(recurring.Select(d => new Holiday(anchorDate.PlusDays(d).PlusYears(-3), Recurring: true))),
            is24x7
        );

    public static Gen<(string Zone, Instant Anchor)> Anchor() =>
        from zone in Gen.Elements(Zones)
        from anchor in Gen.Elements(Anchors[zone])
        from shift in Gen.Choose(-3 * 24 * 60, 3 * 24 * 60)
        select (zone, anchor + Duration.FromMinutes(shift));

    /// <summary>Whole minutes, mostly on quarter hours, spanning overnight and up to 24:00.</summary>
    private static Gen<OpenInterval> Interval() =>
        from day in Gen.Choose(1, 7)
        from start in Gen.OneOf(Gen.Choose(0, 95).Select(q => q * 15), Gen.Choose(0, 1439))
        from length in Gen.OneOf(Gen.Choose(1, 96).Select(q => q * 15), Gen.Choose(1, 1439))
        let end = start + length
        select end == 24 * 60
            ? new OpenInterval(
                (IsoDayOfWeek)day,
                LocalTime.FromMinutesSinceMidnight(start),
                LocalTime.Midnight,
                EndsAtMidnight: true
            )
            : new OpenInterval(
                (IsoDayOfWeek)day,
                LocalTime.FromMinutesSinceMidnight(start),
                LocalTime.FromMinutesSinceMidnight(end % (24 * 60))
            );

    private static List<OpenInterval> NonOverlapping(IEnumerable<OpenInterval> candidates)
    {
        var accepted = new List<OpenInterval>();
        foreach (var candidate in candidates.Take(10))
        {
            if (candidate.WallLength > Duration.Zero && !accepted.Any(candidate.Overlaps))
            {
                accepted.Add(candidate);
            }
        }

        return accepted;
    }
}

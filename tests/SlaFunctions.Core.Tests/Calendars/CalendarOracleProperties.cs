using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Tests.Oracle;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Calendars;

/// <summary>
/// The calendar agrees with the minute-stepping oracle around real DST transitions, holidays and overnight hours.
/// </summary>
public class CalendarOracleProperties
{
    private const int Cases = 10_000;

    [Fact]
    public void Business_time_between_two_instants_equals_the_oracle()
    {
        var cases =
            from anchor in Generators.Anchor()
            from calendar in Generators.Calendar(anchor.Zone, anchor.Anchor)
            from startOffset in Gen.Choose(-2 * 24 * 60, 2 * 24 * 60)
            from length in Gen.Choose(0, 4 * 24 * 60)
            select (
                calendar,
                start: anchor.Anchor + Duration.FromMinutes(startOffset),
                until: anchor.Anchor + Duration.FromMinutes(startOffset + length)
            );

        Check(
            cases,
            c =>
            {
                var oracle = Oracle(c.calendar, c.start, c.until);
                return c.calendar.BusinessTimeBetween(c.start, c.until) == oracle.BusinessTimeBetween(c.start, c.until);
            }
        );
    }

    [Fact]
    public void The_instant_after_an_amount_of_business_time_equals_the_oracle()
    {
        var cases =
            from anchor in Generators.Anchor()
            from calendar in Generators.Calendar(anchor.Zone, anchor.Anchor)
            from startOffset in Gen.Choose(-2 * 24 * 60, 2 * 24 * 60)
            from fraction in Gen.Choose(0, 300)
            let weekly = calendar.Is24x7 ? 7 * 24 * 60 : (int)calendar.Hours.Sum(h => h.WallLength.TotalMinutes)
            select (
                calendar,
                start: anchor.Anchor + Duration.FromMinutes(startOffset),
                minutes: weekly * fraction / 100
            );

        Check(
            cases,
            c =>
            {
                var giveUp = c.start + Duration.FromDays(40);
                var oracle = Oracle(c.calendar, c.start, giveUp);
                var expected = oracle.AddBusinessTime(c.start, c.minutes, giveUp);
                var actual = c.calendar.AddBusinessTime(c.start, Duration.FromMinutes(c.minutes));
                return actual == expected
                    && c.calendar.BusinessTimeBetween(c.start, expected) == Duration.FromMinutes(c.minutes);
            }
        );
    }

    private static MinuteCalendarOracle Oracle(BusinessCalendar calendar, Instant start, Instant until) =>
        new(calendar, start.InZone(calendar.Zone).Date.PlusDays(-2), until.InZone(calendar.Zone).Date.PlusDays(2));

    private static void Check<T>(Gen<T> cases, Func<T, bool> property) =>
        Prop.ForAll(cases.ToArbitrary(), property).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
}

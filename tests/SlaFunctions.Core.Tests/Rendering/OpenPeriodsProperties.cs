using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Rendering;

/// <summary>
/// The open periods the picture draws are exactly the business time the engine counts, around real DST transitions.
/// </summary>
public class OpenPeriodsProperties
{
    [Fact]
    public void Open_periods_are_ordered_apart_wholly_open_and_add_up_to_the_business_time()
    {
        var cases =
            from anchor in Generators.Anchor()
            from calendar in Generators.Calendar(anchor.Zone, anchor.Anchor)
            from startOffset in Gen.Choose(-3 * 24 * 60, 2 * 24 * 60)
            from length in Gen.Choose(0, 9 * 24 * 60)
            select (
                calendar,
                start: anchor.Anchor + Duration.FromMinutes(startOffset),
                until: anchor.Anchor + Duration.FromMinutes(startOffset + length)
            );

        Prop.ForAll(
                cases.ToArbitrary(),
                c =>
                {
                    var periods = c.calendar.OpenPeriodsBetween(c.start, c.until);
                    var apart = periods.Zip(periods.Skip(1)).All(p => p.First.End < p.Second.Start);
                    var inside = periods.All(p => p.Start >= c.start && p.End <= c.until && p.Start < p.End);
                    var open = periods.All(p => c.calendar.BusinessTimeBetween(p.Start, p.End) == p.Duration);
                    var total = periods.Aggregate(Duration.Zero, (sum, p) => sum + p.Duration);
                    return apart && inside && open && total == c.calendar.BusinessTimeBetween(c.start, c.until);
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(3_000));
    }
}

using NodaTime;
using SlaFunctions.Durable.Orchestrations;

namespace SlaFunctions.Durable.Tests.Orchestrations;

public class DurableTimeTests
{
    private static readonly Instant Noon = Instant.FromUtc(2026, 6, 8, 12, 0);

    [Fact]
    public void A_timer_at_a_whole_tick_fires_at_that_tick()
    {
        var fireAt = DurableTime.FireAt(Noon);

        Assert.Equal(new DateTime(2026, 6, 8, 12, 0, 0, DateTimeKind.Utc), fireAt);
        Assert.Equal(DateTimeKind.Utc, fireAt.Kind);
    }

    [Fact]
    public void A_sub_tick_instant_rounds_up_so_the_timer_never_fires_early()
    {
        var fireAt = DurableTime.FireAt(Noon + Duration.FromNanoseconds(1));

        Assert.Equal(new DateTime(2026, 6, 8, 12, 0, 0, DateTimeKind.Utc).AddTicks(1), fireAt);
        Assert.True(DurableTime.ToInstant(fireAt) >= Noon + Duration.FromNanoseconds(1));
    }

    [Fact]
    public void The_context_time_reads_as_utc_whatever_its_kind()
    {
        var unspecified = new DateTime(2026, 6, 8, 12, 0, 0, DateTimeKind.Unspecified);

        Assert.Equal(Noon, DurableTime.ToInstant(unspecified));
        Assert.Equal(Noon, DurableTime.ToInstant(DurableTime.FireAt(Noon)));
    }
}

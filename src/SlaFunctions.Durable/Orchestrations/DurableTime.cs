using NodaTime;

namespace SlaFunctions.Durable.Orchestrations;

/// <summary>Instants to and from the <see cref="DateTime"/> values of Durable's orchestration context.</summary>
public static class DurableTime
{
    /// <summary>
    /// <c>CurrentUtcDateTime</c> as an instant; Durable hands out UTC, sometimes with an unspecified kind.
    /// </summary>
    public static Instant ToInstant(DateTime utc) =>
        Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>
    /// The fire time of a timer for <paramref name="instant"/>: NodaTime counts nanoseconds and a
    /// <see cref="DateTime"/> 100 ns ticks, so a sub-tick remainder rounds up and the timer never fires early.
    /// </summary>
    public static DateTime FireAt(Instant instant)
    {
        var ticks = instant.ToUnixTimeTicks();
        var exact = Instant.FromUnixTimeTicks(ticks);
        return (exact < instant ? exact + Duration.FromTicks(1) : exact).ToDateTimeUtc();
    }

    public static DateTimeOffset ToDateTimeOffset(Instant instant) => FireAt(instant);
}

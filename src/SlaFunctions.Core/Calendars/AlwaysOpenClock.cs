using NodaTime;

namespace SlaFunctions.Core.Calendars;

/// <summary>The 24x7 clock: every instant is business time.</summary>
internal sealed class AlwaysOpenClock : IBusinessClock
{
    public static AlwaysOpenClock Instance { get; } = new();

    private AlwaysOpenClock() { }

    public Duration BusinessTimeBetween(Instant start, Instant until) => until > start ? until - start : Duration.Zero;

    public Instant? AddBusinessTime(Instant start, Duration amount) => amount > Duration.Zero ? start + amount : start;
}

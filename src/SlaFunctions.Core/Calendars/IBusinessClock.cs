using NodaTime;

namespace SlaFunctions.Core.Calendars;

/// <summary>Measures time that counts towards an SLA target.</summary>
public interface IBusinessClock
{
    /// <summary>The open time inside [start, until); zero when until is not after start.</summary>
    Duration BusinessTimeBetween(Instant start, Instant until);

    /// <summary>
    /// The earliest instant t with <c>BusinessTimeBetween(start, t) &gt;= amount</c>,
    /// or null when the clock never accumulates that much.
    /// </summary>
    Instant? AddBusinessTime(Instant start, Duration amount);
}

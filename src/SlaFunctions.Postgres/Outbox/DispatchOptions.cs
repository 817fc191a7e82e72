using NodaTime;

namespace SlaFunctions.Postgres.Outbox;

public sealed record DispatchOptions
{
    public int BatchSize { get; init; } = 100;

    /// <summary>A claimed delivery not finished within this time is claimed again (the dispatcher died).</summary>
    public Duration Lease { get; init; } = Duration.FromMinutes(2);

    /// <summary>The wait after the first failure; it doubles with each further failure up to <see cref="MaxBackoff"/>.</summary>
    public Duration FirstBackoff { get; init; } = Duration.FromSeconds(1);

    public Duration MaxBackoff { get; init; } = Duration.FromMinutes(10);

    /// <summary>After this many failed attempts a delivery is dead (kept, and recorded in the audit log).</summary>
    public int MaxAttempts { get; init; } = 10;

    public Duration IdleSleep { get; init; } = Duration.FromSeconds(1);

    public Duration BackoffAfter(int attempts) =>
        Duration.FromTicks(Math.Min(MaxBackoff.BclCompatibleTicks, FirstBackoff.BclCompatibleTicks << Math.Min(attempts - 1, 30)));
}

using NodaTime;

namespace SlaFunctions.Postgres.Outbox;

public sealed record DispatchOptions
{
    /// <summary>Deliveries one sink claims and publishes together; each sink has its own batches.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>A claimed delivery not finished within this time is claimed again (the dispatcher died).</summary>
    public Duration Lease { get; init; } = Duration.FromMinutes(2);

    /// <summary>How long one publish may take before it counts as a failed attempt (a slow receiver).</summary>
    public Duration DeliveryTimeout { get; init; } = Duration.FromSeconds(10);

    /// <summary>
    /// The wait after the first failure; it doubles with each further failure up to <see cref="MaxBackoff"/>.
    /// </summary>
    public Duration FirstBackoff { get; init; } = Duration.FromSeconds(1);

    public Duration MaxBackoff { get; init; } = Duration.FromMinutes(30);

    /// <summary>
    /// After this many failed attempts a delivery is dead (kept, listed, and recorded in the audit log). With the
    /// default backoff the attempts span <see cref="RetrySpan"/>: about six and a half hours of receiver outage.
    /// </summary>
    public int MaxAttempts { get; init; } = 24;

    public Duration IdleSleep { get; init; } = Duration.FromSeconds(1);

    public Duration BackoffAfter(int attempts) =>
        Duration.FromTicks(
            Math.Min(MaxBackoff.BclCompatibleTicks, FirstBackoff.BclCompatibleTicks << Math.Min(attempts - 1, 30))
        );

    /// <summary>
    /// The time from a delivery's first attempt to its last: how long a receiver may be down before it is dead.
    /// </summary>
    public Duration RetrySpan =>
        Enumerable.Range(1, Math.Max(0, MaxAttempts - 1)).Aggregate(Duration.Zero, (sum, a) => sum + BackoffAfter(a));
}

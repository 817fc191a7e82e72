using NodaTime;

namespace SlaFunctions.Postgres.Polling;

public sealed record PollingOptions
{
    /// <summary>Due rows claimed and committed together.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// Batches one engine keeps in flight: while one waits for PostgreSQL, the next is being computed.
    /// </summary>
    public int Parallelism { get; init; } = 2;

    /// <summary>The longest sleep between polls; the engine wakes earlier at the next due row or a NOTIFY.</summary>
    public Duration MaxSleep { get; init; } = Duration.FromSeconds(5);

    /// <summary>How long to back off when due rows exist but other engines hold them all.</summary>
    public Duration ContendedSleep { get; init; } = Duration.FromMilliseconds(20);
}

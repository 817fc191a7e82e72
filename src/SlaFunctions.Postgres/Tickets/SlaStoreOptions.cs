using NodaTime;

namespace SlaFunctions.Postgres.Tickets;

public sealed record SlaStoreOptions
{
    /// <summary>What drives new tickets: "polling" (the PostgreSQL engine) or "durable" (an orchestration).</summary>
    public string Backend { get; init; } = Backends.Polling;

    /// <summary>The sinks every notification is published to, one outbox row each.</summary>
    public IReadOnlyList<string> Sinks { get; init; } = ["log"];

    /// <summary>How far ahead of this server's clock an event's instant may be (the sender's clock may run fast).</summary>
    public Duration FutureTolerance { get; init; } = Duration.FromMinutes(1);

    /// <summary>
    /// How old a ticket's history must be to be settled: a store folds the events older than this into the
    /// snapshot's checkpoint (docs/decisions/0007), and an event dated before the checkpoint is refused from
    /// then on. The SPEC's late-event tolerance, 15 minutes by default.
    /// </summary>
    public Duration SettledAfter { get; init; } = Duration.FromMinutes(15);

    /// <summary>A ticket's history is compacted once this many settled events have gathered (rarely, for a typical ticket never).</summary>
    public int CompactAfterEvents { get; init; } = 100;
}

public static class Backends
{
    public const string Polling = "polling";
    public const string Durable = "durable";
}

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
}

public static class Backends
{
    public const string Polling = "polling";
    public const string Durable = "durable";
}

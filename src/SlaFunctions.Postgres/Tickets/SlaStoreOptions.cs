using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Postgres.Tickets;

public sealed record SlaStoreOptions
{
    /// <summary>What drives new tickets.</summary>
    public SlaBackend Backend { get; init; } = SlaBackend.Polling;

    /// <summary>The sinks every notification is published to, one outbox row each.</summary>
    public IReadOnlyList<string> Sinks { get; init; } = ["log"];

    /// <summary>
    /// How far ahead of this server's clock an event's instant may be (the sender's clock may run fast).
    /// </summary>
    public Duration FutureTolerance { get; init; } = Duration.FromMinutes(1);

    /// <summary>
    /// When a ticket's settled history is folded into its snapshot's checkpoint (docs/decisions/0007), on either
    /// backend: the polling store applies it on a command's store, and the durable backend hands it to the
    /// ticket's orchestration in its input.
    /// </summary>
    public HistoryCompaction Compaction { get; init; } = HistoryCompaction.Default;
}

using NodaTime;

namespace SlaFunctions.Postgres.Durable;

public sealed record DurableStoreOptions
{
    /// <summary>The sinks every notification gets an outbox row for (on Azure: the Service Bus topic).</summary>
    public IReadOnlyList<string> Sinks { get; init; } = ["servicebus"];

    /// <summary>
    /// How long the outbox leaves a durable ticket's notification to the publish activity, which sends it right
    /// after storing it; only then does the dispatcher take it, so both rarely send the same message.
    /// </summary>
    public Duration PublishGrace { get; init; } = Duration.FromMinutes(2);

    /// <summary>Attempts of a write that keeps losing the optimistic version check before it gives up.</summary>
    public int MaxConflicts { get; init; } = 10;
}

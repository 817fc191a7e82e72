using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using SlaFunctions.Core.Api;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Durable.Correlation;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Durable.Signals;
using SlaFunctions.Durable.Tickets;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Durable;

/// <summary>
/// The backend chosen by <see cref="SlaStoreOptions.Backend"/>, per invocation: Durable's client comes from each
/// function's <c>[DurableClient]</c> binding, so the services that need it are built around it (they are cheap).
/// With the polling backend the client is not used: tickets and events go to PostgreSQL directly.
/// </summary>
public sealed class DurableBackend(
    ITenantDirectory tenants,
    ITenantSettings settings,
    IDefinitionStore definitions,
    IHealthProbe health,
    PostgresSlaService rows,
    [FromKeyedServices(SlaBackend.Polling)] IEventIngestion polling,
    PostgresDeadLetters deadLetters,
    DurableSlaStore store,
    EventRouter router,
    EventInbox inbox,
    SlaStoreOptions options,
    IClock clock,
    IDeadDeliveries deliveries,
    ISlaQueries queries,
    IRolloutPreviews rollouts,
    IRolloutRuns rolloutRuns,
    ILoggerFactory loggers
)
{
    public bool IsDurable => options.Backend == SlaBackend.Durable;

    public SlaApi Api(DurableTaskClient client) =>
        new(
            tenants,
            definitions,
            SlaService(client),
            Ingestion(client),
            health,
            clock,
            deliveries,
            queries,
            settings,
            rollouts,
            rolloutRuns
        );

    public ISlaService SlaService(DurableTaskClient client) => IsDurable ? Durable(client) : rows;

    /// <summary>How a rollout signals durable tickets; none on the polling backend, which has none.</summary>
    public IRolloutDelivery? RolloutDelivery(DurableTaskClient client) =>
        IsDurable ? new DurableRolloutDelivery(Durable(client)) : null;

    private DurableSlaService Durable(DurableTaskClient client) =>
        new(rows, store, Instances(client), clock, options, loggers.CreateLogger<DurableSlaService>());

    public IEventIngestion Ingestion(DurableTaskClient client) =>
        IsDurable
            ? new EventIngestion(router, inbox, deadLetters, new EntityEventDelivery(client), SlaService(client))
            : polling;

    public SignalDelivery Delivery(DurableTaskClient client) =>
        new(store, rows, deadLetters, options, Instances(client), clock, loggers.CreateLogger<SignalDelivery>());

    public static DurableInstances Instances(DurableTaskClient client) => new(client);
}

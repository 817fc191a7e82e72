using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Queries;
using SlaFunctions.Postgres.Rollouts;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres;

/// <summary>
/// The system of record as both hosts use it: tenants and their settings, definitions, tickets, queries,
/// ingestion, the polling engine and the outbox. Each host adds what is its own: the sinks,
/// <see cref="SlaStoreOptions"/> (which backend new tickets get, which sinks they are published to), and the
/// backend's <see cref="ISlaService"/>.
/// </summary>
public static class SlaPostgresServices
{
    public static IServiceCollection AddSlaPostgres(
        this IServiceCollection services,
        Func<IServiceProvider, NpgsqlDataSource> dataSource,
        IClock clock,
        EventSettings events,
        PollingOptions polling,
        DispatchOptions dispatch
    )
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(clock);
        services.AddSingleton(dataSource);
        services.AddSingleton(events);
        services.AddSingleton(polling);
        services.AddSingleton(dispatch);
        services.AddSingleton<EventRouter>();
        services.AddSingleton<TenantStore>();
        services.AddSingleton<ITenantDirectory>(sp => sp.GetRequiredService<TenantStore>());
        services.AddSingleton<ITenantSettings>(sp => sp.GetRequiredService<TenantStore>());
        services.AddSingleton<DefinitionStore>();
        services.AddSingleton<IDefinitionStore>(sp => sp.GetRequiredService<DefinitionStore>());
        services.AddSingleton<PolicyCache>();
        services.AddSingleton<IHealthProbe, PostgresHealth>();
        services.AddSingleton<PostgresSlaService>();
        services.AddSingleton<ISlaQueries, SlaQueries>();
        services.AddSingleton<RolloutPreviews>();
        services.AddSingleton<IRolloutPreviews>(sp => sp.GetRequiredService<RolloutPreviews>());
        services.AddSingleton<RolloutRuns>();
        services.AddSingleton<IRolloutRuns>(sp => sp.GetRequiredService<RolloutRuns>());
        services.AddSingleton<EventInbox>();
        services.AddSingleton<PostgresDeadLetters>();
        services.AddSingleton<IDeadLetters>(sp => sp.GetRequiredService<PostgresDeadLetters>());
        services.AddSingleton<PostgresParking>();
        services.AddSingleton<PostgresBatchIngestion>();
        // The polling backend's ingestion: Core's one algorithm over this layer's inbox, dead letters and parking.
        // Keyed, so that a host whose backend is durable cannot take it for its own by asking for IEventIngestion.
        services.AddKeyedSingleton<IEventIngestion>(
            SlaBackend.Polling,
            (sp, _) =>
                new EventIngestion(
                    sp.GetRequiredService<EventRouter>(),
                    sp.GetRequiredService<EventInbox>(),
                    sp.GetRequiredService<PostgresDeadLetters>(),
                    sp.GetRequiredService<PostgresParking>(),
                    sp.GetRequiredService<PostgresSlaService>(),
                    sp.GetRequiredService<PostgresBatchIngestion>()
                )
        );
        services.AddSingleton<PollingEngine>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<IDeadDeliveries, DeadDeliveryStore>();
        return services;
    }
}

using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.FunctionApp.Durable;
using SlaFunctions.FunctionApp.Notifications;
using SlaFunctions.FunctionApp.Triggers;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Queries;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>Wires the PostgreSQL layer, Service Bus and the backend chosen by <c>Sla__Backend</c>.</summary>
public static class SlaFunctionServices
{
    public static IServiceCollection AddSlaFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = FunctionAppSettings.From(configuration);
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = settings.ManagedIdentityClientId });
        services.AddSingleton(settings);
        services.AddSingleton(settings.Events);
        services.AddSingleton<EventRouter>();
        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton(_ => SlaDatabase.Open(settings.ConnectionString, builder =>
        {
            if (settings.EntraAuthentication)
            {
                builder.UseTokens(async cancellationToken =>
                    (await credential.GetTokenAsync(new TokenRequestContext([EntraPassword.Scope]), cancellationToken)).Token);
            }
        }));
        services.AddHostedService<MigrationService>();

        services.AddSingleton<TenantStore>();
        services.AddSingleton<ITenantDirectory>(sp => sp.GetRequiredService<TenantStore>());
        services.AddSingleton<DefinitionStore>();
        services.AddSingleton<IDefinitionStore>(sp => sp.GetRequiredService<DefinitionStore>());
        services.AddSingleton<PolicyCache>();
        services.AddSingleton<IHealthProbe, PostgresHealth>();
        services.AddSingleton(new SlaStoreOptions { Backend = settings.Backend, Sinks = [FunctionAppSettings.ServiceBusSink] });
        services.AddSingleton<PostgresSlaService>();
        services.AddSingleton<ISlaQueries, SlaQueries>();
        services.AddSingleton(sp => new PostgresEventIngestion(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresSlaService>(), sp.GetRequiredService<EventRouter>(),
            sp.GetRequiredService<IClock>(), sp.GetRequiredService<ILogger<PostgresEventIngestion>>()));
        services.AddSingleton(new PollingOptions());
        services.AddSingleton<PollingEngine>();

        services.AddSingleton(new DurableStoreOptions { Sinks = [FunctionAppSettings.ServiceBusSink] });
        services.AddSingleton<DurableSlaStore>();
        services.AddSingleton<DurableOutbox>();
        services.AddSingleton<EventInbox>();

        var (serviceBusNamespace, serviceBusClientId) = FunctionAppSettings.ServiceBus(configuration);
        services.AddSingleton(_ => new ServiceBusClient(
            serviceBusNamespace,
            serviceBusClientId is null ? credential : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = serviceBusClientId })));
        services.AddSingleton(sp => sp.GetRequiredService<ServiceBusClient>().CreateSender(FunctionAppSettings.NotificationsTopic));
        services.AddSingleton<INotificationSink, ServiceBusSink>();
        services.AddSingleton(new DispatchOptions());
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<IDeadDeliveries, DeadDeliveryStore>();
        services.AddSingleton<NotificationPublisher>();

        services.AddSingleton<DurableBackend>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<Maintenance>();
        services.AddSingleton<DomainEventProcessor>();
        return services;
    }
}

using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Durable;
using SlaFunctions.Durable.Notifications;
using SlaFunctions.FunctionApp.Notifications;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>
/// Wires the PostgreSQL layer, the durable backend, and Service Bus as its ports, for the backend chosen by
/// <c>Sla__Backend</c>.
/// </summary>
public static class SlaFunctionServices
{
    public static IServiceCollection AddSlaFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = FunctionAppSettings.From(configuration);
        var credential = new DefaultAzureCredential(
            new DefaultAzureCredentialOptions { ManagedIdentityClientId = settings.ManagedIdentityClientId }
        );
        services.AddSlaPostgres(
            _ =>
                SlaDatabase.Open(
                    settings.ConnectionString,
                    builder =>
                    {
                        if (settings.EntraAuthentication)
                        {
                            builder.UseTokens(async cancellationToken =>
                                (
                                    await credential.GetTokenAsync(
                                        new TokenRequestContext([EntraPassword.Scope]),
                                        cancellationToken
                                    )
                                ).Token
                            );
                        }
                    }
                ),
            SystemClock.Instance,
            settings.Events,
            new PollingOptions(),
            new DispatchOptions()
        );
        services.AddSingleton(settings);
        services.AddHostedService<MigrationService>();
        services.AddSingleton(
            new SlaStoreOptions { Backend = settings.Backend, Sinks = [FunctionAppSettings.ServiceBusSink] }
        );

        services.AddSlaDurable(
            new DurableStoreOptions { Sinks = [FunctionAppSettings.ServiceBusSink] },
            AzureFailures.Rule
        );

        var (serviceBusNamespace, serviceBusClientId) = FunctionAppSettings.ServiceBus(configuration);
        services.AddSingleton(_ => new ServiceBusClient(
            serviceBusNamespace,
            serviceBusClientId is null
                ? credential
                : new DefaultAzureCredential(
                    new DefaultAzureCredentialOptions { ManagedIdentityClientId = serviceBusClientId }
                )
        ));
        services.AddSingleton(sp =>
            sp.GetRequiredService<ServiceBusClient>().CreateSender(FunctionAppSettings.NotificationsTopic)
        );
        services.AddSingleton<INotificationSink, ServiceBusSink>();
        services.AddSingleton<INotificationTopic, ServiceBusNotificationTopic>();
        return services;
    }
}

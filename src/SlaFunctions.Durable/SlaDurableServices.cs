using Microsoft.Extensions.DependencyInjection;
using SlaFunctions.Durable.Messages;
using SlaFunctions.Durable.Notifications;
using SlaFunctions.Durable.Recovery;
using SlaFunctions.Postgres.Durable;

namespace SlaFunctions.Durable;

/// <summary>The durable backend registers itself; the host adds its port (the notification topic).</summary>
public static class SlaDurableServices
{
    /// <summary>
    /// The durable backend's stores, activities, message processor and maintenance, over the system of record that
    /// <c>AddSlaPostgres</c> registered. The host registers <see cref="INotificationTopic"/>.
    /// </summary>
    /// <param name="hostFailures">What the host's SDKs' failures say of a retry (<see
    /// cref="TransientFailures"/>).</param>
    public static IServiceCollection AddSlaDurable(
        this IServiceCollection services,
        DurableStoreOptions storeOptions,
        HostFailureRule? hostFailures = null
    )
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(storeOptions);
        services.AddSingleton(storeOptions);
        services.AddSingleton<DurableSlaStore>();
        services.AddSingleton<DurableOutbox>();
        services.AddSingleton(new TransientFailures(hostFailures));
        services.AddSingleton<NotificationPublisher>();
        services.AddSingleton<DurableBackend>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<Maintenance>();
        services.AddSingleton<DomainEventProcessor>();
        return services;
    }
}

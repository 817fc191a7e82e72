using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using SlaFunctions.Core.Api;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Rollouts;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.SelfHost.Hosting;

/// <summary>Wires the PostgreSQL layer, the polling engine and the dispatcher for the self-host.</summary>
public static class SlaServices
{
    public static IServiceCollection AddSla(
        this IServiceCollection services,
        SlaSettings settings,
        IClock? clock = null
    )
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSlaPostgres(
            _ => SlaDatabase.Open(settings.ConnectionString),
            clock ?? SystemClock.Instance,
            settings.Events,
            settings.Polling,
            settings.Dispatch
        );
        services.AddSingleton(settings);
        services.AddSingleton(sp => sp.GetRequiredKeyedService<IEventIngestion>(SlaBackend.Polling));
        services.AddSingleton<ISlaService>(sp => sp.GetRequiredService<PostgresSlaService>());
        services.AddSingleton<IFailureClassifier, DatabaseFailures>();
        services.AddSingleton<SlaApi>();
        // Each notification is queued once per registered sink, so the outbox and the dispatcher agree on the names.
        services.AddSingleton(sp => new SlaStoreOptions
        {
            Backend = SlaBackend.Polling,
            Sinks = [.. sp.GetServices<INotificationSink>().Select(s => s.Name)],
        });
        services.AddSingleton<INotificationSink, LogSink>();
        if (settings.WebhookUrl is { } url)
        {
            // The dispatcher gives each delivery its own timeout; the client's only catches what that would miss.
            services.AddHttpClient(
                nameof(WebhookSink),
                http => http.Timeout = settings.Dispatch.DeliveryTimeout.ToTimeSpan() * 2
            );
            services.AddSingleton<INotificationSink>(sp => new WebhookSink(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookSink)),
                url,
                settings.WebhookSecret!
            ));
        }

        return services;
    }

    /// <summary>The polling engine and the notification dispatcher, run for the life of the host.</summary>
    public static IServiceCollection AddSlaWorkers(this IServiceCollection services)
    {
        services.AddHostedService<PollingWorker>();
        services.AddHostedService<DispatchWorker>();
        services.AddHostedService<ParkingWorker>();
        services.AddHostedService<RolloutWorker>();
        return services;
    }

    private sealed class PollingWorker(PollingEngine engine) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
            Quietly(engine.RunAsync(stoppingToken));
    }

    private sealed class DispatchWorker(OutboxDispatcher dispatcher) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
            Quietly(dispatcher.RunAsync(stoppingToken));
    }

    /// <summary>Dead-letters parked events whose window has passed, once a minute.</summary>
    private sealed class ParkingWorker(PostgresParking parking) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
            Quietly(parking.RunExpiryAsync(stoppingToken));
    }

    /// <summary>Applies the rollouts that are due, a batch at a time.</summary>
    private sealed class RolloutWorker(RolloutRuns rollouts) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
            Quietly(rollouts.RunAsync(stoppingToken));
    }

    /// <summary>Stopping the host cancels the loop; that is how it ends, not a failure.</summary>
    private static async Task Quietly(Task loop)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException) { }
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.SelfHost.Hosting;

/// <summary>Wires the PostgreSQL layer, the polling engine and the dispatcher for the self-host.</summary>
public static class SlaServices
{
    public static IServiceCollection AddSla(this IServiceCollection services, SlaSettings settings, IClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddSingleton(clock ?? SystemClock.Instance);
        services.AddSingleton(_ => SlaDatabase.Open(settings.ConnectionString));
        services.AddSingleton(new SlaStoreOptions { Backend = Backends.Polling, Sinks = settings.Sinks });
        services.AddSingleton(settings.Polling);
        services.AddSingleton(settings.Dispatch);
        services.AddSingleton<TenantStore>();
        services.AddSingleton<DefinitionStore>();
        services.AddSingleton<PolicyCache>();
        services.AddSingleton<PostgresSlaService>();
        services.AddSingleton<ISlaService>(sp => sp.GetRequiredService<PostgresSlaService>());
        services.AddSingleton<PollingEngine>();
        services.AddSingleton<INotificationSink, LogSink>();
        if (settings.WebhookUrl is { } url)
        {
            services.AddHttpClient(nameof(WebhookSink), http => http.Timeout = TimeSpan.FromSeconds(30));
            services.AddSingleton<INotificationSink>(sp =>
                new WebhookSink(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookSink)), url, settings.WebhookSecret!));
        }

        services.AddSingleton<OutboxDispatcher>();
        return services;
    }

    /// <summary>The polling engine and the notification dispatcher, run for the life of the host.</summary>
    public static IServiceCollection AddSlaWorkers(this IServiceCollection services)
    {
        services.AddHostedService<PollingWorker>();
        services.AddHostedService<DispatchWorker>();
        return services;
    }

    private sealed class PollingWorker(PollingEngine engine) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Quietly(engine.RunAsync(stoppingToken));
    }

    private sealed class DispatchWorker(OutboxDispatcher dispatcher) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Quietly(dispatcher.RunAsync(stoppingToken));
    }

    /// <summary>Stopping the host cancels the loop; that is how it ends, not a failure.</summary>
    private static async Task Quietly(Task loop)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
    }
}

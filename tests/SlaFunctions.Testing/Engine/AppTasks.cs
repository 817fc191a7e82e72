using Azure.Messaging.ServiceBus;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Orchestrations;
using SlaFunctions.FunctionApp.Hosting;
using SlaFunctions.FunctionApp.Triggers;

namespace SlaFunctions.Testing.Engine;

/// <summary>
/// The Function App's orchestrations and activities as a Durable Task worker registers them: the very methods of
/// <see cref="OrchestrationFunctions"/> (typed by their input) and of <see cref="ActivityFunctions"/>, resolved from
/// the
/// app's own registrations (<see cref="SlaFunctionServices.AddSlaFunctions"/>) over the given database.
/// </summary>
public sealed class AppTasks(string connectionString, ServiceBusSender topic)
{
    private IServiceProvider? services;
    private DurableTaskClient? client;

    /// <summary>
    /// The app's serializer for worker and client: the default one turns NodaTime instants into 1970.
    /// </summary>
    public static DataConverter Converter { get; } = new JsonDataConverter(DurableJson.Options);

    /// <summary>Called once the worker's host is built, before anything is scheduled.</summary>
    public void Bind(IServiceProvider provider, DurableTaskClient durableClient)
    {
        services = provider;
        client = durableClient;
    }

    public void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestratorFunc<TicketSlaInput?>(
            SlaOrchestrations.TicketSla,
            (context, input) => OrchestrationFunctions.TicketSlaOrchestrator(context, input)
        );
        registry.AddOrchestratorFunc<EventDeliveryInput?>(
            SlaOrchestrations.EventDelivery,
            (context, input) => OrchestrationFunctions.EventDeliveryOrchestrator(context, input)
        );
        registry.AddActivityFunc<PersistSlaRequest, int>(
            SlaActivities.Persist.Name,
            (_, r) => Logged(SlaActivities.Persist.Name, () => Activities.Persist(r, CancellationToken.None))
        );
        registry.AddActivityFunc<PublishNotificationsRequest, int>(
            SlaActivities.Publish.Name,
            (_, r) => Logged(SlaActivities.Publish.Name, () => Activities.Publish(r, CancellationToken.None))
        );
        registry.AddActivityFunc<DeliverSignalRequest, DeliveryReceipt>(
            SlaActivities.Deliver.Name,
            (_, r) => Logged(SlaActivities.Deliver.Name, () => Activities.Deliver(r, Client, CancellationToken.None), r)
        );
        registry.AddActivityFunc<DeliverSignalRequest, DeliveryReceipt>(
            SlaActivities.Confirm.Name,
            (_, r) => Logged(SlaActivities.Confirm.Name, () => Activities.Confirm(r, Client, CancellationToken.None), r)
        );
        registry.AddActivityFunc<DeadLetterRequest, bool>(
            SlaActivities.DeadLetter.Name,
            (_, r) => Activities.DeadLetter(r, CancellationToken.None)
        );
    }

    public void ConfigureServices(IServiceCollection collection)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["Sla:Backend"] = "durable",
                    ["Sla:Database:ConnectionString"] = connectionString,
                    [$"{FunctionAppSettings.ServiceBusConnection}:fullyQualifiedNamespace"] =
                        "engine-tests.servicebus.windows.net",
                }
            )
            .Build();
        collection.AddSlaFunctions(configuration);
        collection.AddSingleton<ServiceBusSender>(topic);
        collection.AddSingleton<ActivityFunctions>();
        collection.AddSingleton(Converter);
        collection.ConfigureAll<DurableTaskWorkerOptions>(o => o.DataConverter = Converter);
        collection.ConfigureAll<DurableTaskClientOptions>(o => o.DataConverter = Converter);
    }

    /// <summary>The worker's services: the app's registrations.</summary>
    public IServiceProvider Services =>
        services ?? throw new InvalidOperationException("The worker's services are not bound yet.");

    private ActivityFunctions Activities => Services.GetRequiredService<ActivityFunctions>();

    private static async Task<T> Logged<T>(string name, Func<Task<T>> run, object? request = null)
    {
        try
        {
            var result = await run();
            if (result is DeliveryReceipt receipt)
            {
                await EngineLog.WriteAsync($"activity {name} {request}: {receipt}");
            }

            return result;
        }
        catch (Exception e) when (EngineLog.Enabled)
        {
            await EngineLog.WriteAsync($"activity {name} failed: {e}");
            throw;
        }
    }

    private DurableTaskClient Client => client ?? throw new InvalidOperationException("The client is not bound yet.");
}

using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SlaFunctions.FunctionApp.Durable;
using SlaFunctions.FunctionApp.Hosting;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>Domain events from the queue <c>sla-domain-events</c>, settled by hand.</summary>
public sealed class DomainEventsFunction(DurableBackend backend, DomainEventProcessor handler)
{
    [Function("DomainEvents")]
    public Task DomainEvents(
        [ServiceBusTrigger(FunctionAppSettings.DomainEventsQueue, Connection = FunctionAppSettings.ServiceBusConnection, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(message, actions, backend.Ingestion(client), cancellationToken);
}

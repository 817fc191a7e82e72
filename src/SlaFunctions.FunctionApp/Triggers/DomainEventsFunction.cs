using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SlaFunctions.Durable;
using SlaFunctions.Durable.Messages;
using SlaFunctions.FunctionApp.Hosting;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>
/// Domain events from the queue <c>sla-domain-events</c>, settled by hand. The only file that needs the Service Bus
/// extension (MSBuild property <c>ServiceBusTrigger</c>).
/// </summary>
public sealed class DomainEventsFunction(DurableBackend backend, DomainEventProcessor handler)
{
    [Function("DomainEvents")]
    public Task DomainEvents(
        [ServiceBusTrigger(
            FunctionAppSettings.DomainEventsQueue,
            Connection = FunctionAppSettings.ServiceBusConnection,
            AutoCompleteMessages = false
        )]
            ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken
    ) =>
        handler.HandleAsync(
            message.ToDomainEvent(),
            new ActionsSettler(message, actions),
            backend.Ingestion(client),
            cancellationToken
        );

    private sealed class ActionsSettler(ServiceBusReceivedMessage message, ServiceBusMessageActions actions)
        : IMessageSettler
    {
        public Task CompleteAsync(CancellationToken cancellationToken) =>
            actions.CompleteMessageAsync(message, cancellationToken);

        public Task AbandonAsync(CancellationToken cancellationToken) =>
            actions.AbandonMessageAsync(message, null, cancellationToken);

        public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken) =>
            actions.DeadLetterMessageAsync(message, null, reason, description, cancellationToken);
    }
}

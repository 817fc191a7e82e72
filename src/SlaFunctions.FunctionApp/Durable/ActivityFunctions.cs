using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Workflow;
using SlaFunctions.FunctionApp.Notifications;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Events;

namespace SlaFunctions.FunctionApp.Durable;

/// <summary>The activities of both orchestrations, registered under the names the Core workflows call.</summary>
public sealed class ActivityFunctions(DurableSlaStore store, NotificationPublisher publisher, IDeadLetters deadLetters, DurableBackend backend)
{
    [Function(TicketSlaActivities.Persist)]
    public Task<int> Persist([ActivityTrigger] PersistSlaRequest request, CancellationToken cancellationToken) =>
        store.PersistAsync(request, cancellationToken);

    [Function(TicketSlaActivities.Publish)]
    public Task<int> Publish([ActivityTrigger] PublishNotificationsRequest request, CancellationToken cancellationToken) =>
        publisher.PublishAsync(request, cancellationToken);

    [Function(EventDeliveryActivities.Deliver)]
    public Task<DeliveryReceipt> Deliver([ActivityTrigger] DeliverSignalRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        backend.Delivery(client).DeliverAsync(request, confirming: false, cancellationToken);

    [Function(EventDeliveryActivities.Confirm)]
    public Task<DeliveryReceipt> Confirm([ActivityTrigger] DeliverSignalRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        backend.Delivery(client).DeliverAsync(request, confirming: true, cancellationToken);

    [Function(EventDeliveryActivities.DeadLetter)]
    public async Task<bool> DeadLetter([ActivityTrigger] DeadLetterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await deadLetters.RecordAsync(request, cancellationToken);
        return true;
    }
}

using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable;
using SlaFunctions.Durable.Notifications;
using SlaFunctions.Postgres.Durable;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>
/// The activity triggers of both orchestrations, under the names the Core workflows call (<see cref="SlaActivities"/>):
/// each binds the durable backend's part that does the work.
/// </summary>
public sealed class ActivityFunctions(
    DurableSlaStore store,
    NotificationPublisher publisher,
    IDeadLetters deadLetters,
    DurableBackend backend
)
{
    [Function(SlaActivities.PersistName)]
    public Task<int> Persist([ActivityTrigger] PersistSlaRequest request, CancellationToken cancellationToken) =>
        store.PersistAsync(request, cancellationToken);

    [Function(SlaActivities.PublishName)]
    public Task<int> Publish(
        [ActivityTrigger] PublishNotificationsRequest request,
        CancellationToken cancellationToken
    ) => publisher.PublishAsync(request, cancellationToken);

    [Function(SlaActivities.DeliverName)]
    public Task<DeliveryReceipt> Deliver(
        [ActivityTrigger] DeliverSignalRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken
    ) => backend.Delivery(client).DeliverAsync(request, confirming: false, cancellationToken);

    [Function(SlaActivities.ConfirmName)]
    public Task<DeliveryReceipt> Confirm(
        [ActivityTrigger] DeliverSignalRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken
    ) => backend.Delivery(client).DeliverAsync(request, confirming: true, cancellationToken);

    /// <summary>The result only tells the orchestration the activity completed.</summary>
    [Function(SlaActivities.DeadLetterName)]
    public async Task<bool> DeadLetter([ActivityTrigger] DeadLetterRequest request, CancellationToken cancellationToken)
    {
        await deadLetters.RecordAsync(request, cancellationToken);
        return true;
    }
}

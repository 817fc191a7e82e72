using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Activities;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>The activity triggers of both orchestrations: each binds one of <see cref="SlaActivityHandlers"/> under the name the Core workflows call.</summary>
public sealed class ActivityFunctions(SlaActivityHandlers activities)
{
    [Function(TicketSlaActivities.Persist)]
    public Task<int> Persist([ActivityTrigger] PersistSlaRequest request, CancellationToken cancellationToken) =>
        activities.PersistAsync(request, cancellationToken);

    [Function(TicketSlaActivities.Publish)]
    public Task<int> Publish([ActivityTrigger] PublishNotificationsRequest request, CancellationToken cancellationToken) =>
        activities.PublishAsync(request, cancellationToken);

    [Function(EventDeliveryActivities.Deliver)]
    public Task<DeliveryReceipt> Deliver([ActivityTrigger] DeliverSignalRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        activities.DeliverAsync(request, client, cancellationToken);

    [Function(EventDeliveryActivities.Confirm)]
    public Task<DeliveryReceipt> Confirm([ActivityTrigger] DeliverSignalRequest request, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        activities.ConfirmAsync(request, client, cancellationToken);

    [Function(EventDeliveryActivities.DeadLetter)]
    public Task<bool> DeadLetter([ActivityTrigger] DeadLetterRequest request, CancellationToken cancellationToken) =>
        activities.DeadLetterAsync(request, cancellationToken);
}

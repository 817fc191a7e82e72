using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Activities;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>
/// The activity triggers of both orchestrations: each binds one of <see cref="SlaActivityHandlers"/> under the name the
/// Core workflows call.
/// </summary>
public sealed class ActivityFunctions(SlaActivityHandlers activities)
{
    [Function(SlaActivities.PersistName)]
    public Task<int> Persist([ActivityTrigger] PersistSlaRequest request, CancellationToken cancellationToken) =>
        activities.PersistAsync(request, cancellationToken);

    [Function(SlaActivities.PublishName)]
    public Task<int> Publish(
        [ActivityTrigger] PublishNotificationsRequest request,
        CancellationToken cancellationToken
    ) => activities.PublishAsync(request, cancellationToken);

    [Function(SlaActivities.DeliverName)]
    public Task<DeliveryReceipt> Deliver(
        [ActivityTrigger] DeliverSignalRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken
    ) => activities.DeliverAsync(request, client, cancellationToken);

    [Function(SlaActivities.ConfirmName)]
    public Task<DeliveryReceipt> Confirm(
        [ActivityTrigger] DeliverSignalRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken
    ) => activities.ConfirmAsync(request, client, cancellationToken);

    [Function(SlaActivities.DeadLetterName)]
    public Task<bool> DeadLetter([ActivityTrigger] DeadLetterRequest request, CancellationToken cancellationToken) =>
        activities.DeadLetterAsync(request, cancellationToken);
}

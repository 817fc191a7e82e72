using Microsoft.DurableTask.Client;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Notifications;
using SlaFunctions.Postgres.Durable;

namespace SlaFunctions.Durable.Activities;

/// <summary>
/// What the activities of both orchestrations do; a host binds each to its activity name. Delivery needs the
/// invocation's Durable client, which the host's binding hands in.
/// </summary>
public sealed class SlaActivityHandlers(
    DurableSlaStore store,
    NotificationPublisher publisher,
    IDeadLetters deadLetters,
    DurableBackend backend
)
{
    public Task<int> PersistAsync(PersistSlaRequest request, CancellationToken cancellationToken) =>
        store.PersistAsync(request, cancellationToken);

    public Task<int> PublishAsync(PublishNotificationsRequest request, CancellationToken cancellationToken) =>
        publisher.PublishAsync(request, cancellationToken);

    public Task<DeliveryReceipt> DeliverAsync(
        DeliverSignalRequest request,
        DurableTaskClient client,
        CancellationToken cancellationToken
    ) => backend.Delivery(client).DeliverAsync(request, confirming: false, cancellationToken);

    public Task<DeliveryReceipt> ConfirmAsync(
        DeliverSignalRequest request,
        DurableTaskClient client,
        CancellationToken cancellationToken
    ) => backend.Delivery(client).DeliverAsync(request, confirming: true, cancellationToken);

    public async Task<bool> DeadLetterAsync(DeadLetterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await deadLetters.RecordAsync(request, cancellationToken);
        return true;
    }
}

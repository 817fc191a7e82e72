using Azure.Messaging.ServiceBus;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Workflow;
using SlaFunctions.FunctionApp.Hosting;
using SlaFunctions.Postgres.Durable;

namespace SlaFunctions.FunctionApp.Notifications;

/// <summary>
/// The publish activity: sends what the persist activity just stored, from its outbox rows (the payload as
/// stored), and marks them delivered. What it does not get to, the dispatcher on the timer sends after the
/// grace; a repeat carries the same MessageId.
/// </summary>
public sealed class NotificationPublisher(DurableOutbox outbox, ServiceBusSender sender)
{
    public async Task<int> PublishAsync(PublishNotificationsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ids = request.Notifications.Select(n => NotificationMessage.IdOf(request.Ticket, n.Slot)).ToList();
        var pending = await outbox.PendingAsync(ids, FunctionAppSettings.ServiceBusSink, cancellationToken);
        if (pending.IsEmpty)
        {
            return 0;
        }

        await sender.SendMessagesAsync(pending.Select(p => ServiceBusSink.Message(p.Payload)), cancellationToken);
        await outbox.MarkDeliveredAsync(pending.Select(p => p.NotificationId), FunctionAppSettings.ServiceBusSink, cancellationToken);
        return pending.Length;
    }
}

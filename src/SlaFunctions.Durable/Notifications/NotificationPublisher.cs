using SlaFunctions.Core.Service;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Postgres.Durable;

namespace SlaFunctions.Durable.Notifications;

/// <summary>
/// The publish activity: sends what the persist activity just stored, from its outbox rows (the payload as
/// stored), and marks them delivered. What it does not get to, the dispatcher on the timer sends after the
/// grace; a repeat carries the same MessageId.
/// </summary>
public sealed class NotificationPublisher(DurableOutbox outbox, INotificationTopic topic)
{
    public async Task<int> PublishAsync(PublishNotificationsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ids = request.Notifications.Select(n => NotificationMessage.IdOf(request.Ticket, n)).ToList();
        var pending = await outbox.PendingAsync(ids, topic.Sink, cancellationToken);
        if (pending.IsEmpty)
        {
            return 0;
        }

        await topic.SendAsync(pending, cancellationToken);
        await outbox.MarkDeliveredAsync(pending.Select(p => p.NotificationId), topic.Sink, cancellationToken);
        return pending.Length;
    }
}

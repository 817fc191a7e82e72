namespace SlaFunctions.Durable.Notifications;

/// <summary>
/// The topic fired notifications are published to, as the publish activity uses it: a batch of stored payloads,
/// each sent under its notification id, by which the broker and every consumer recognise a repeat. The host
/// implements it on its broker (the Function App: Service Bus).
/// </summary>
public interface INotificationTopic
{
    /// <summary>The outbox sink whose rows this topic delivers.</summary>
    string Sink { get; }

    Task SendAsync(
        IReadOnlyList<(Guid NotificationId, string Payload)> notifications,
        CancellationToken cancellationToken
    );
}

namespace SlaFunctions.Postgres.Outbox;

/// <summary>Somewhere notifications are published: a webhook, a log, a Service Bus topic.</summary>
public interface INotificationSink
{
    /// <summary>The name outbox rows carry; one outbox row per notification and sink.</summary>
    string Name { get; }

    /// <summary>
    /// Publishes one notification (its SPEC §6 JSON) under its id, by which brokers and consumers recognise a
    /// repeat; throws when it was not accepted.
    /// </summary>
    Task PublishAsync(Guid notificationId, string payload, CancellationToken cancellationToken);
}

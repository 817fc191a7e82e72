using Azure.Messaging.ServiceBus;
using SlaFunctions.FunctionApp.Hosting;
using SlaFunctions.Postgres.Outbox;

namespace SlaFunctions.FunctionApp.Notifications;

/// <summary>
/// The topic <c>sla-notifications</c> as an outbox sink: the stored SPEC §6 JSON as the body, the
/// notification id as the MessageId (the broker's duplicate detection and consumers drop repeats by it).
/// </summary>
public sealed class ServiceBusSink(ServiceBusSender sender) : INotificationSink
{
    public string Name => FunctionAppSettings.ServiceBusSink;

    public Task PublishAsync(Guid notificationId, string payload, CancellationToken cancellationToken) =>
        sender.SendMessageAsync(Message(notificationId, payload), cancellationToken);

    public static ServiceBusMessage Message(Guid notificationId, string payload) =>
        new(payload) { MessageId = notificationId.ToString("D"), ContentType = "application/json" };
}

using Azure.Messaging.ServiceBus;
using SlaFunctions.Core.Service;
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

    public Task PublishAsync(string payload, CancellationToken cancellationToken) =>
        sender.SendMessageAsync(Message(payload), cancellationToken);

    public static ServiceBusMessage Message(string payload) => Message(payload, NotificationPayload.MessageId(payload));

    public static ServiceBusMessage Message(string payload, Guid notificationId) =>
        Message(payload, notificationId.ToString("D"));

    private static ServiceBusMessage Message(string payload, string messageId) =>
        new(payload) { MessageId = messageId, ContentType = "application/json" };
}

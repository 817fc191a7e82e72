using Azure.Messaging.ServiceBus;
using SlaFunctions.Durable.Notifications;
using SlaFunctions.FunctionApp.Hosting;

namespace SlaFunctions.FunctionApp.Notifications;

/// <summary>
/// The topic <c>sla-notifications</c> for the publish activity: one batch send of the messages <see
/// cref="ServiceBusSink"/> builds.
/// </summary>
public sealed class ServiceBusNotificationTopic(ServiceBusSender sender) : INotificationTopic
{
    public string Sink => FunctionAppSettings.ServiceBusSink;

    public Task SendAsync(
        IReadOnlyList<(Guid NotificationId, string Payload)> notifications,
        CancellationToken cancellationToken
    ) =>
        sender.SendMessagesAsync(
            notifications.Select(n => ServiceBusSink.Message(n.NotificationId, n.Payload)),
            cancellationToken
        );
}

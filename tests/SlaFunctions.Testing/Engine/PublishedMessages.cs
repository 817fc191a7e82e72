using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using NodaTime;

namespace SlaFunctions.Testing.Engine;

/// <summary>
/// The notifications topic, as the publish activity sees it: every message it sends, with the instant it was
/// handed over. The one part of the app's activities that is not real here (there is no Service Bus).
/// </summary>
public sealed class PublishedMessages : ServiceBusSender
{
    private readonly ConcurrentQueue<Published> sent = new();

    public IReadOnlyCollection<Published> Sent => sent;

    public override Task SendMessagesAsync(
        IEnumerable<ServiceBusMessage> messages,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(messages);
        var now = SystemClock.Instance.GetCurrentInstant();
        foreach (var message in messages)
        {
            sent.Enqueue(new Published(message.MessageId, message.Body.ToString(), now));
        }

        return Task.CompletedTask;
    }

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default) =>
        SendMessagesAsync([message], cancellationToken);

    public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>One message sent to the topic: its MessageId (the notification id), its body, and when.</summary>
public sealed record Published(string MessageId, string Body, Instant At);

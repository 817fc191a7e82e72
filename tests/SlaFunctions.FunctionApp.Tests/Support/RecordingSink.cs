using System.Collections.Concurrent;
using SlaFunctions.FunctionApp.Hosting;
using SlaFunctions.Postgres.Outbox;

namespace SlaFunctions.FunctionApp.Tests.Support;

/// <summary>The Service Bus topic's sink, recording what it is given instead of sending it.</summary>
public sealed class RecordingSink : INotificationSink
{
    public ConcurrentQueue<string> Published { get; } = new();

    public string Name => FunctionAppSettings.ServiceBusSink;

    public Task PublishAsync(Guid notificationId, string payload, CancellationToken cancellationToken)
    {
        Published.Enqueue(payload);
        return Task.CompletedTask;
    }
}

using Microsoft.Extensions.Logging;

namespace SlaFunctions.Postgres.Outbox;

/// <summary>Writes each notification to the log: the sink that needs no setup.</summary>
public sealed class LogSink(ILogger<LogSink> logger) : INotificationSink
{
    public string Name => "log";

    public Task PublishAsync(Guid notificationId, string payload, CancellationToken cancellationToken)
    {
        logger.LogInformation("SLA notification {NotificationId}: {Notification}", notificationId, payload);
        return Task.CompletedTask;
    }
}

using Microsoft.Extensions.Logging;

namespace SlaFunctions.Postgres.Outbox;

/// <summary>Writes each notification to the log: the sink that needs no setup.</summary>
public sealed class LogSink(ILogger<LogSink> logger) : INotificationSink
{
    public string Name => "log";

    public Task PublishAsync(string payload, CancellationToken cancellationToken)
    {
        logger.LogInformation("SLA notification {Notification}", payload);
        return Task.CompletedTask;
    }
}

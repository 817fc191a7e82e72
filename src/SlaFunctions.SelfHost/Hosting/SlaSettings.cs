using Microsoft.Extensions.Configuration;
using NodaTime;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Polling;

namespace SlaFunctions.SelfHost.Hosting;

/// <summary>The self-host's settings (docs/configuration.md), read from configuration with their defaults.</summary>
public sealed record SlaSettings(
    string ConnectionString,
    PollingOptions Polling,
    DispatchOptions Dispatch,
    Uri? WebhookUrl,
    string? WebhookSecret,
    Duration ParkingWindow)
{
    public static SlaSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Sla");
        var connection = section["Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new InvalidOperationException("Sla:Database:ConnectionString is not set (environment variable Sla__Database__ConnectionString).");
        }

        var webhook = section["Webhooks:Url"];
        var secret = section["Webhooks:Secret"];
        if (webhook is not null && string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException("Sla:Webhooks:Url is set but Sla:Webhooks:Secret is not: webhooks are always signed.");
        }

        return new SlaSettings(
            connection,
            new PollingOptions
            {
                BatchSize = section.GetValue("Polling:BatchSize", 500),
                MaxSleep = Duration.FromTimeSpan(section.GetValue("Polling:MaxSleep", TimeSpan.FromSeconds(5))),
            },
            new DispatchOptions(),
            webhook is null ? null : new Uri(webhook),
            secret,
            Duration.FromTimeSpan(section.GetValue("Events:ParkingWindow", TimeSpan.FromDays(7))));
    }

    /// <summary>The sinks each notification is queued for: the log always, the webhook when configured.</summary>
    public IReadOnlyList<string> Sinks => WebhookUrl is null ? ["log"] : ["log", "webhook"];
}

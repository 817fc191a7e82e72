using Microsoft.Extensions.Configuration;
using NodaTime;
using SlaFunctions.Core.Events;
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
    EventSettings Events
)
{
    public static SlaSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Sla");
        var connection = section["Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new SettingsException(
                "Sla:Database:ConnectionString is not set (environment variable Sla__Database__ConnectionString)."
            );
        }

        var webhook = section["Webhooks:Url"];
        var secret = section["Webhooks:Secret"];
        if (webhook is not null && string.IsNullOrEmpty(secret))
        {
            throw new SettingsException(
                "Sla:Webhooks:Url is set but Sla:Webhooks:Secret is not: webhooks are always signed."
            );
        }

        return new SlaSettings(
            connection,
            new PollingOptions
            {
                BatchSize = section.GetValue("Polling:BatchSize", 500),
                MaxSleep = Duration.FromTimeSpan(section.GetValue("Polling:MaxSleep", TimeSpan.FromSeconds(5))),
            },
            ReadDispatch(section.GetSection("Dispatch")),
            webhook is null ? null : new Uri(webhook),
            secret,
            ReadEvents(section.GetSection("Events"))
        );
    }

    /// <summary>
    /// The outbox dispatcher's attempts, backoff and timeout from <c>Sla:Dispatch</c>, over the defaults.
    /// </summary>
    private static DispatchOptions ReadDispatch(IConfigurationSection section)
    {
        var defaults = new DispatchOptions();
        var options = defaults with
        {
            MaxAttempts = section.GetValue("MaxAttempts", defaults.MaxAttempts),
            FirstBackoff = Duration.FromTimeSpan(section.GetValue("FirstBackoff", defaults.FirstBackoff.ToTimeSpan())),
            MaxBackoff = Duration.FromTimeSpan(section.GetValue("MaxBackoff", defaults.MaxBackoff.ToTimeSpan())),
            DeliveryTimeout = Duration.FromTimeSpan(
                section.GetValue("DeliveryTimeout", defaults.DeliveryTimeout.ToTimeSpan())
            ),
        };
        if (options.MaxAttempts < 1)
        {
            throw new SettingsException("Sla:Dispatch:MaxAttempts must be 1 or more.");
        }

        if (
            options.FirstBackoff <= Duration.Zero
            || options.MaxBackoff < options.FirstBackoff
            || options.DeliveryTimeout <= Duration.Zero
        )
        {
            throw new SettingsException(
                "Sla:Dispatch: FirstBackoff and DeliveryTimeout must be positive, and MaxBackoff at least FirstBackoff."
            );
        }

        return options;
    }

    /// <summary>
    /// Event mapping and correlation from <c>Sla:Events:Mapping</c> (JSON, docs/decisions/0004) on top of the
    /// defaults, and the parking window from <c>Sla:Events:ParkingWindow</c>.
    /// </summary>
    private static EventSettings ReadEvents(IConfigurationSection section)
    {
        var settings = section["Mapping"] is { Length: > 0 } mapping
            ? EventSettingsJson.Read(mapping)
            : EventSettings.Default;
        return section.GetValue<TimeSpan?>("ParkingWindow") is { } window
            ? settings with
            {
                ParkingWindow = Duration.FromTimeSpan(window),
            }
            : settings;
    }
}

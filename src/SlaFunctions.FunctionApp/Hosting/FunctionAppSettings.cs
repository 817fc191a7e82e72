using Microsoft.Extensions.Configuration;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>The Function App's settings (docs/configuration.md), read from app settings with their defaults.</summary>
public sealed record FunctionAppSettings(
    SlaBackend Backend,
    string ConnectionString,
    bool EntraAuthentication,
    string? ManagedIdentityClientId,
    EventSettings Events
)
{
    /// <summary>The topic fired notifications are published to (infra/modules/serviceBus.bicep).</summary>
    public const string NotificationsTopic = "sla-notifications";

    /// <summary>The queue domain events arrive on.</summary>
    public const string DomainEventsQueue = "sla-domain-events";

    /// <summary>
    /// The connection name of the Service Bus trigger and client (app settings <c>ServiceBusConnection__…</c>).
    /// </summary>
    public const string ServiceBusConnection = "ServiceBusConnection";

    /// <summary>The outbox sink name of the Service Bus topic.</summary>
    public const string ServiceBusSink = "servicebus";

    public bool IsDurable => Backend == SlaBackend.Durable;

    public static FunctionAppSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Sla");
        var backend = section["Backend"] is { Length: > 0 } value
            ? SlaBackendNames.Find(value)
                ?? throw new InvalidOperationException(
                    $"Sla:Backend is '{value.Trim()}'; it must be '{SlaBackend.Durable.Name()}' or '{SlaBackend.Polling.Name()}' (app setting Sla__Backend)."
                )
            : SlaBackend.Durable;

        var connection = section["Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new InvalidOperationException(
                "Sla:Database:ConnectionString is not set (app setting Sla__Database__ConnectionString)."
            );
        }

        var events = section["Events:Mapping"] is { Length: > 0 } mapping
            ? EventSettingsJson.Read(mapping)
            : EventSettings.Default;
        if (section.GetValue<TimeSpan?>("Events:ParkingWindow") is { } window)
        {
            events = events with { ParkingWindow = Duration.FromTimeSpan(window) };
        }

        return new FunctionAppSettings(
            backend,
            connection,
            section.GetValue("Database:EntraAuthentication", false),
            configuration["AZURE_CLIENT_ID"] is { Length: > 0 } clientId ? clientId : null,
            events
        );
    }

    /// <summary>
    /// The Service Bus namespace of the connection <see cref="ServiceBusConnection"/>, and the client id of the
    /// user-assigned identity when the connection names one (<c>__credential = managedidentity</c>).
    /// </summary>
    public static (string Namespace, string? ClientId) ServiceBus(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ServiceBusConnection);
        var ns = section["fullyQualifiedNamespace"];
        if (string.IsNullOrWhiteSpace(ns))
        {
            throw new InvalidOperationException("ServiceBusConnection__fullyQualifiedNamespace is not set.");
        }

        return (
            ns,
            string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
                ? section["clientId"]
                : null
        );
    }
}

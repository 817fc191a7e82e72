using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.FunctionApp.Hosting;

namespace SlaFunctions.FunctionApp.Tests.Support;

/// <summary>
/// The Function App's host as Program.cs builds it (<see cref="SlaFunctionApp.ConfigureSlaFunctionApp"/>), with the
/// extensions' startup code the SDK generates into the app (the worker runs it from the entry assembly, which
/// under the test runner is not the app). The host is built, never started: starting needs the Functions host.
/// </summary>
public static class AppHost
{
    /// <summary>
    /// The generated class that runs every extension's <c>WorkerExtensionStartup</c> (Durable's among them).
    /// </summary>
    public const string ExtensionStartupType = "SlaFunctions.FunctionApp.WorkerExtensionStartupCodeExecutor";

    /// <summary>
    /// The app settings the app requires (docs/configuration.md); the Service Bus namespace is never contacted.
    /// </summary>
    public static Dictionary<string, string?> Settings(SlaBackend backend, string connectionString) =>
        new()
        {
            ["Sla:Backend"] = backend.Name(),
            ["Sla:Database:ConnectionString"] = connectionString,
            ["ServiceBusConnection:fullyQualifiedNamespace"] = "sla-test.servicebus.windows.net",
        };

    public static IHost Build(
        SlaBackend backend,
        string connectionString,
        IClock? clock = null,
        string? hostEndpoint = null,
        Action<IServiceCollection>? replace = null
    )
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        var settings = Settings(backend, connectionString);
        if (hostEndpoint is not null)
        {
            settings["Functions:Worker:HostEndpoint"] = hostEndpoint;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        var startup = typeof(SlaFunctionApp).Assembly.GetType(ExtensionStartupType, throwOnError: true)!;
        ((WorkerExtensionStartup)Activator.CreateInstance(startup, nonPublic: true)!).Configure(builder);
        builder.ConfigureSlaFunctionApp();
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        replace?.Invoke(builder.Services);

        return builder.Build();
    }
}

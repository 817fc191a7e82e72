using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SlaFunctions.Core.Service;
using SlaFunctions.Durable.Correlation;
using SlaFunctions.FunctionApp.Hosting;
using SlaFunctions.FunctionApp.Tests.Support;
using SlaFunctions.FunctionApp.Triggers;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.FunctionApp.Tests.Hosting;

/// <summary>
/// The host Program.cs builds resolves every function class, the entity and every service of the app, on both
/// backends. Function classes are found by their <c>[Function]</c> methods, so a new one cannot be left out.
/// </summary>
public class AppServicesTests
{
    private const string ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Database=none";

    public static TheoryData<SlaBackend> BothBackends() => [SlaBackend.Durable, SlaBackend.Polling];

    [Fact]
    public void The_function_classes_are_found_by_their_function_methods()
    {
        var names = FunctionClasses().Select(t => t.Name).ToHashSet();

        Assert.Contains(nameof(HttpApiFunctions), names);
        Assert.Contains(nameof(ActivityFunctions), names);
        Assert.Contains(nameof(MaintenanceFunction), names);
        Assert.Contains(nameof(CorrelationEntityFunction), names);
        Assert.Contains(nameof(OrchestrationFunctions), names);
    }

    [Theory]
    [MemberData(nameof(BothBackends))]
    public void Every_function_class_is_created_as_the_worker_creates_it(SlaBackend backend)
    {
        using var host = AppHost.Build(backend, ConnectionString);
        using var scope = host.Services.CreateScope();

        foreach (var type in FunctionClasses().Where(t => !(t.IsAbstract && t.IsSealed)))
        {
            // The worker's default activator: ActivatorUtilities over the invocation's services.
            Assert.IsType(type, ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }
    }

    [Theory]
    [MemberData(nameof(BothBackends))]
    public void The_entity_is_created_as_its_dispatcher_creates_it(SlaBackend backend)
    {
        using var host = AppHost.Build(backend, ConnectionString);

        ITaskEntity entity = ActivatorUtilities.GetServiceOrCreateInstance<CorrelationEntity>(host.Services);

        Assert.IsType<CorrelationEntity>(entity);
    }

    [Theory]
    [MemberData(nameof(BothBackends))]
    public void Every_service_the_app_registers_resolves(SlaBackend backend)
    {
        using var host = AppHost.Build(backend, ConnectionString);
        var registered = AppRegistrations(backend);
        using var scope = host.Services.CreateScope();

        Assert.NotEmpty(registered);
        foreach (var (service, key) in registered)
        {
            Assert.NotNull(
                key is null
                    ? scope.ServiceProvider.GetRequiredService(service)
                    : scope.ServiceProvider.GetRequiredKeyedService(service, key)
            );
        }

        Assert.Equal(backend, host.Services.GetRequiredService<FunctionAppSettings>().Backend);
    }

    [Fact]
    public void The_worker_s_hosted_service_needs_the_host_endpoint_only_the_Functions_host_supplies()
    {
        using var host = AppHost.Build(SlaBackend.Durable, ConnectionString);

        var e = Assert.Throws<InvalidOperationException>(() => host.Services.GetServices<IHostedService>().ToList());

        Assert.Contains("Functions:Worker:HostEndpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_host_endpoint_every_hosted_service_is_built_the_migration_among_them()
    {
        // An address nothing listens on: the gRPC channel is only opened when the host starts, which it never does
        // here.
        using var host = AppHost.Build(SlaBackend.Durable, ConnectionString, hostEndpoint: "http://127.0.0.1:1");

        var hosted = host.Services.GetServices<IHostedService>().ToList();

        Assert.Single(hosted.OfType<MigrationService>());
        Assert.Contains(
            hosted,
            h =>
                h.GetType()
                    .Assembly.GetName()
                    .Name!.StartsWith("Microsoft.Azure.Functions.Worker", StringComparison.Ordinal)
        );
    }

    private static IEnumerable<Type> FunctionClasses() =>
        typeof(SlaFunctionApp)
            .Assembly.GetTypes()
            .Where(t =>
                t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                    .Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            );

    /// <summary>
    /// The service types <see cref="SlaFunctionServices.AddSlaFunctions"/> registers (not the framework's).
    /// </summary>
    private static List<(Type Service, object? Key)> AppRegistrations(SlaBackend backend)
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(AppHost.Settings(backend, ConnectionString))
            .Build();
        services.AddSlaFunctions(configuration);
        return services
            .Where(d => d.ServiceType != typeof(IHostedService))
            .Select(d => (d.ServiceType, d.ServiceKey))
            .Distinct()
            .ToList();
    }
}

using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SlaFunctions.Testing.Engine;

/// <summary>
/// The app's orchestrations on the real Durable Task engine: the test host's gRPC sidecar over an orchestration
/// service, and a worker connected to it that runs <see cref="AppTasks"/>. In memory, or on the Azure Storage
/// provider (the one Durable Functions runs on in production) with the queue polling host.json sets.
/// </summary>
public sealed class SlaEngine : IAsyncDisposable
{
    private readonly Func<ValueTask> dispose;

    private SlaEngine(
        DurableTaskClient client,
        AzureStorageOrchestrationService? azureStorage,
        string? address,
        Func<ValueTask> dispose
    )
    {
        Client = client;
        AzureStorage = azureStorage;
        Address = address;
        this.dispose = dispose;
    }

    public DurableTaskClient Client { get; }

    /// <summary>The sidecar's gRPC address, for a client in another process (<see cref="WorkerProcess"/>); null in memory.</summary>
    public string? Address { get; }

    /// <summary>
    /// The provider under the sidecar, for what the client does not do: read each execution's history, schedule a
    /// delayed start; null in memory.
    /// </summary>
    public AzureStorageOrchestrationService? AzureStorage { get; }

    public static async Task<SlaEngine> InMemoryAsync(AppTasks tasks, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var host = await DurableTaskTestHost.StartAsync(
            tasks.Register,
            new DurableTaskTestHostOptions
            {
                Port = FreePort(),
                LoggerFactory = loggers,
                ConfigureServices = tasks.ConfigureServices,
            }
        );
        tasks.Bind(host.Services, host.Client);
        return new SlaEngine(host.Client, null, null, host.DisposeAsync);
    }

    /// <summary>
    /// Creates the task hub <paramref name="taskHub"/> on the storage account and runs the engine on it; the provider's
    /// requests to the account are counted in <paramref name="requests"/> when given. An engine that takes over a task
    /// hub from a killed one passes <paramref name="takeOver"/>: it then claims the partitions and the messages the
    /// dead one held within seconds instead of the provider's five minutes.
    /// </summary>
    public static async Task<SlaEngine> AzureStorageAsync(
        AppTasks tasks,
        string storageConnection,
        string taskHub,
        ILoggerFactory? loggers = null,
        StorageRequests? requests = null,
        bool takeOver = false
    )
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var polling = HostJsonPolling.Read();
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider =
                requests?.Clients(storageConnection) ?? new StorageAccountClientProvider(storageConnection),
            TaskHubName = taskHub,
            PartitionCount = polling.PartitionCount,
            MaxQueuePollingInterval = polling.MaxQueuePollingInterval,
            MaxConcurrentTaskOrchestrationWorkItems = polling.MaxConcurrentOrchestratorFunctions,
            MaxConcurrentTaskActivityWorkItems = polling.MaxConcurrentActivityFunctions,
            UseAppLease = false,
            // The provider names a worker by the machine: two engines on one machine would own each other's leases.
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}",
            LoggerFactory = loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
        };
        if (takeOver)
        {
            settings.LeaseInterval = TakeOverAfter;
            settings.LeaseRenewInterval = TimeSpan.FromSeconds(2);
            settings.LeaseAcquireInterval = TimeSpan.FromSeconds(2);
            settings.ControlQueueVisibilityTimeout = TakeOverAfter;
            settings.WorkItemQueueVisibilityTimeout = TakeOverAfter;
        }

        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();

        var address = $"http://127.0.0.1:{FreePort()}";
        var sidecar = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => Quiet(logging, loggers))
            .ConfigureWebHostDefaults(web =>
                web.UseUrls(address)
                    .ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2))
                    .ConfigureServices(services =>
                    {
                        services.AddGrpc();
                        services.AddSingleton<IOrchestrationService>(service);
                        services.AddSingleton<IOrchestrationServiceClient>(service);
                        services.AddSingleton<TaskHubGrpcServer>();
                    })
                    .Configure(app => app.UseRouting().UseEndpoints(e => e.MapGrpcService<TaskHubGrpcServer>()))
            )
            .Build();
        await sidecar.StartAsync();

        var channel = GrpcChannel.ForAddress(address);
        var worker = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => Quiet(logging, loggers))
            .ConfigureServices(services =>
            {
                tasks.ConfigureServices(services);
                services.AddDurableTaskWorker(builder =>
                {
                    builder.UseGrpc(channel);
                    builder.AddTasks(tasks.Register);
                });
                services.AddDurableTaskClient(builder =>
                {
                    builder.UseGrpc(channel);
                    builder.RegisterDirectly();
                });
            })
            .Build();
        var client = worker.Services.GetRequiredService<DurableTaskClient>();
        tasks.Bind(worker.Services, client);
        await worker.StartAsync();
        return new SlaEngine(
            client,
            service,
            address,
            async () =>
            {
                await worker.StopAsync();
                worker.Dispose();
                await channel.ShutdownAsync();
                channel.Dispose();
                await sidecar.StopAsync();
                sidecar.Dispose();
            }
        );
    }

    /// <summary>
    /// How long a partition's lease, and a message a worker took, stay that worker's when it dies, for engines that
    /// <c>takeOver</c>.
    /// </summary>
    public static TimeSpan TakeOverAfter { get; } = TimeSpan.FromSeconds(10);

    public ValueTask DisposeAsync() => dispose();

    private static void Quiet(ILoggingBuilder logging, ILoggerFactory? loggers)
    {
        logging.ClearProviders();
        if (loggers is not null)
        {
            logging.Services.AddSingleton(loggers);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace SlaFunctions.Testing.Engine;

/// <summary>
/// The app's durable worker and its sidecar on the Azure Storage provider in a process of its own
/// (tests/SlaFunctions.DurableWorker, built next to the test that uses it), so that a test can kill it as the platform
/// kills a Function App's instance; this process talks to it through a client on the sidecar's gRPC, with the app's
/// registrations around it as an HTTP function has them. Its topic writes every send to <see cref="JournalPath"/>
/// and refuses retractions.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    /// <summary>The line the worker prints, followed by its sidecar's address, once it runs.</summary>
    public const string Ready = "ready";

    private readonly Process process;
    private readonly GrpcChannel channel;
    private readonly ServiceProvider services;

    private WorkerProcess(Process process, GrpcChannel channel, ServiceProvider services, string journalPath)
    {
        this.process = process;
        this.channel = channel;
        this.services = services;
        JournalPath = journalPath;
    }

    public string JournalPath { get; }

    public IServiceProvider Services => services;

    public DurableTaskClient Client => services.GetRequiredService<DurableTaskClient>();

    public bool HasExited => process.HasExited;

    public WorkerJournal Journal() => WorkerJournal.Read(JournalPath);

    public static async Task<WorkerProcess> StartAsync(string database, string storage, string taskHub)
    {
        var journal = Path.Combine(Path.GetTempPath(), $"slafunctions-worker-{Guid.NewGuid():N}.journal");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SlaFunctions.DurableWorker.dll"));
        foreach (var arg in new[] { database, storage, taskHub, journal })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        string? line;
        try
        {
            while ((line = await process.StandardOutput.ReadLineAsync(deadline.Token)) is not null)
            {
                if (line.StartsWith(Ready + " ", StringComparison.Ordinal))
                {
                    _ = DrainAsync(process.StandardOutput);
                    var channel = GrpcChannel.ForAddress(line[(Ready.Length + 1)..]);
                    var collection = new ServiceCollection();
                    collection.AddLogging();
                    new AppTasks(database, new PublishedMessages()).ConfigureServices(collection);
                    collection.AddDurableTaskClient(builder =>
                    {
                        builder.UseGrpc(channel);
                        builder.RegisterDirectly();
                    });
                    return new WorkerProcess(process, channel, collection.BuildServiceProvider(), journal);
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The durable worker did not start within a minute.");
        }

        await process.WaitForExitAsync();
        throw new InvalidOperationException($"The durable worker exited with {process.ExitCode}: {await errors}");
    }

    /// <summary>SIGKILL: nothing of the worker runs after this, neither a finally nor a lease's release.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
        await services.DisposeAsync();
        channel.Dispose();
        File.Delete(JournalPath);
    }

    private static async Task DrainAsync(StreamReader output)
    {
        while (await output.ReadLineAsync() is not null) { }
    }
}

using System.Globalization;
using System.Text.Json;

namespace SlaFunctions.Testing.Engine;

/// <summary>The Durable settings in host.json that decide timer lateness, throughput and storage traffic.</summary>
public sealed record HostJsonPolling(
    int PartitionCount,
    TimeSpan MaxQueuePollingInterval,
    int MaxConcurrentOrchestratorFunctions,
    int MaxConcurrentActivityFunctions
)
{
    public static HostJsonPolling Read()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "host.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var durable = document.RootElement.GetProperty("extensions").GetProperty("durableTask");
        var provider = durable.GetProperty("storageProvider");
        return new HostJsonPolling(
            provider.GetProperty("partitionCount").GetInt32(),
            TimeSpan.Parse(provider.GetProperty("maxQueuePollingInterval").GetString()!, CultureInfo.InvariantCulture),
            durable.GetProperty("maxConcurrentOrchestratorFunctions").GetInt32(),
            durable.GetProperty("maxConcurrentActivityFunctions").GetInt32()
        );
    }
}

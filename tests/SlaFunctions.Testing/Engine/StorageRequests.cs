using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;

namespace SlaFunctions.Testing.Engine;

/// <summary>
/// Counts the requests the Azure Storage provider sends, by service: each attempt, retries included, as the
/// storage account bills them. Counted in the clients' own pipelines, so nothing depends on the emulator's log.
/// </summary>
public sealed class StorageRequests
{
    private readonly Counter blobs = new();
    private readonly Counter queues = new();
    private readonly Counter tables = new();

    public long Blobs => blobs.Count;

    public long Queues => queues.Count;

    public long Tables => tables.Count;

    public long Total => Blobs + Queues + Tables;

    /// <summary>The counts so far, to subtract an earlier reading from.</summary>
    public StorageRequestCounts Counts => new(Blobs, Queues, Tables);

    /// <summary>The clients the provider works with, each counting what it sends here.</summary>
    internal StorageAccountClientProvider Clients(string connectionString) =>
        new(
            StorageServiceClientProvider.ForBlob(connectionString, Counted(new BlobClientOptions(), blobs)),
            StorageServiceClientProvider.ForQueue(connectionString, Counted(new QueueClientOptions(), queues)),
            StorageServiceClientProvider.ForTable(connectionString, Counted(new TableClientOptions(), tables))
        );

    private static T Counted<T>(T options, Counter counter)
        where T : ClientOptions
    {
        // Per retry: every attempt is a request the account serves.
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        return options;
    }

    private sealed class Counter : HttpPipelineSynchronousPolicy
    {
        private long count;

        public long Count => Interlocked.Read(ref count);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref count);
    }
}

/// <summary>Storage requests by service at one reading, or between two.</summary>
public readonly record struct StorageRequestCounts(long Blobs, long Queues, long Tables)
{
    public long Total => Blobs + Queues + Tables;

    public static StorageRequestCounts operator -(StorageRequestCounts later, StorageRequestCounts earlier) =>
        new(later.Blobs - earlier.Blobs, later.Queues - earlier.Queues, later.Tables - earlier.Tables);

    public StorageRequestCounts Subtract(StorageRequestCounts earlier) => this - earlier;
}

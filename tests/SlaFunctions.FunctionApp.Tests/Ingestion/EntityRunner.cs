using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.DurableTask.Entities;
using Moq;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Correlation;
using SlaFunctions.Durable.Orchestrations;
using SlaFunctions.FunctionApp.Tests.Correlation;

namespace SlaFunctions.FunctionApp.Tests.Ingestion;

/// <summary>
/// Durable's entity runtime for tests, where the sidecar runs no entities: a client whose entity signals run the
/// app's <see cref="CorrelationEntity"/> one batch at a time through the isolated worker's own runner
/// (<see cref="EntityBatch"/>), keep its state, and carry out its actions: the delivery orchestrations it starts go
/// to the real engine, and its self-signals wait in <see cref="Expiries"/> until a test sends them.
/// </summary>
public sealed class EntityRunner : IDisposable
{
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private readonly ConcurrentDictionary<string, string?> states = new(StringComparer.Ordinal);

    public EntityRunner(IServiceProvider services, DurableTaskClient engine)
    {
        var entities = new Mock<DurableEntityClient>("entities");
        entities
            .Setup(e =>
                e.SignalEntityAsync(
                    It.IsAny<EntityInstanceId>(),
                    It.IsAny<string>(),
                    It.IsAny<object?>(),
                    It.IsAny<SignalEntityOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .Returns(
                (EntityInstanceId id, string operation, object? input, SignalEntityOptions? _, CancellationToken _) =>
                    RunAsync(services, engine, id.ToString(), operation, input)
            );
        var client = new Mock<DurableTaskClient>("entity-runner");
        client.SetupGet(c => c.Entities).Returns(entities.Object);
        Client = client.Object;
    }

    public void Dispose() => oneAtATime.Dispose();

    /// <summary>The client the durable backend's ingestion signals entities with.</summary>
    public DurableTaskClient Client { get; }

    /// <summary>The entities that signalled themselves <c>Expire</c>.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> Expiries { get; } = new(StringComparer.Ordinal);

    /// <summary>Sends every entity its pending <c>Expire</c> now (its clock decides what has expired).</summary>
    public async Task ExpireAllAsync(IServiceProvider services, DurableTaskClient engine)
    {
        foreach (var id in Expiries.Keys.ToList())
        {
            Expiries.TryRemove(id, out _);
            await RunAsync(services, engine, id, nameof(CorrelationEntity.Expire), null);
        }
    }

    private async Task RunAsync(
        IServiceProvider services,
        DurableTaskClient engine,
        string id,
        string operation,
        object? input
    )
    {
        await oneAtATime.WaitAsync();
        try
        {
            var result = await EntityBatch.RunAsync(services, id, states.GetValueOrDefault(id), (operation, input));
            var failure = result.Results[0].Failure;
            if (failure is not null)
            {
                throw new InvalidOperationException($"{id} {operation} failed: {failure.FailureDetails}");
            }

            states[id] = result.EntityState;
            foreach (var action in result.Actions)
            {
                if (action.StartNewOrchestration is { } start)
                {
                    var work = JsonSerializer.Deserialize<EventDeliveryInput>(start.Input, DurableJson.Options);
                    await engine.ScheduleNewOrchestrationInstanceAsync(start.Name, work);
                }
                else if (action.SendSignal is { } signal)
                {
                    Expiries[signal.InstanceId] = signal.ScheduledTime.ToDateTimeOffset();
                }
            }
        }
        finally
        {
            oneAtATime.Release();
        }
    }
}

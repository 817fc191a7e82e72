using System.Text.Json;
using Google.Protobuf;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using SlaFunctions.Durable.Correlation;
using SlaFunctions.Durable.Orchestrations;
using P = Microsoft.DurableTask.Protobuf;

namespace SlaFunctions.FunctionApp.Tests.Correlation;

/// <summary>
/// One batch for the correlation entity the way the Functions host sends it to the isolated worker: a base64
/// <c>EntityBatchRequest</c> through <see cref="GrpcEntityRunner"/>, with the app's services (so the app's data
/// converter), answered by a decoded <c>EntityBatchResult</c>.
/// </summary>
public static class EntityBatch
{
    public static async Task<P.EntityBatchResult> RunAsync(
        IServiceProvider services,
        string instanceId,
        string? state,
        params (string Operation, object? Input)[] operations
    )
    {
        var request = new P.EntityBatchRequest { InstanceId = instanceId, EntityState = state };
        for (var i = 0; i < operations.Length; i++)
        {
            var (operation, input) = operations[i];
            request.Operations.Add(
                new P.OperationRequest
                {
                    Operation = operation,
                    RequestId = $"00000000-0000-0000-0000-{i:D12}", // the host sends Guids; the runner parses them
                    Input = input is null
                        ? null
                        : JsonSerializer.Serialize(input, input.GetType(), DurableJson.Options),
                }
            );
        }

        // As the entity trigger's dispatcher does: the entity from the invocation's services, run with them.
        var entity = ActivatorUtilities.GetServiceOrCreateInstance<CorrelationEntity>(services);
        var encoded = await GrpcEntityRunner.LoadAndRunAsync(
            Convert.ToBase64String(request.ToByteArray()),
            entity,
            services
        );
        return P.EntityBatchResult.Parser.ParseFrom(Convert.FromBase64String(encoded));
    }
}

using System.Net.Sockets;
using Azure;
using Azure.Messaging.ServiceBus;
using Grpc.Core;
using Npgsql;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>
/// Which failures a retry may cure: the database, the network, Durable's RPC channel to the host, the broker.
/// Everything else (a bug, a poison input) fails the same way again.
/// </summary>
public static class TransientFailures
{
    /// <summary>The classification the HTTP API answers 503 by: the database by name, any other transient failure as a dependency.</summary>
    public static IFailureClassifier Classifier { get; } = new FunctionAppFailures();

    public static bool IsTransient(Exception exception) => exception switch
    {
        null => false,
        NpgsqlException npgsql => DatabaseFailures.IsUnavailable(npgsql),
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.Internal,
        ServiceBusException bus => bus.IsTransient,
        RequestFailedException request => request.Status is 0 or 408 or 429 or >= 500,
        TimeoutException or IOException or SocketException or HttpRequestException or OperationCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    /// <summary>Durable refused a start because an instance with that id is pending or running: the start already happened.</summary>
    public static bool IsAlreadyExists(Exception exception) =>
        exception is DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException
        || exception is RpcException { StatusCode: StatusCode.AlreadyExists };
}

internal sealed class FunctionAppFailures : IFailureClassifier
{
    public string? UnavailableDependency(Exception failure) =>
        DatabaseFailures.IsUnavailable(failure) ? DatabaseFailures.Dependency : TransientFailures.IsTransient(failure) ? "dependency" : null;
}

using System.Net.Sockets;
using Grpc.Core;
using Npgsql;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres;

namespace SlaFunctions.Durable;

/// <summary>
/// A host's word on the failures of its own SDKs (the Function App's Azure clients: Service Bus, Entra tokens),
/// which this library cannot name: true or false decides, null leaves the failure to the shared rules.
/// </summary>
public delegate bool? HostFailureRule(Exception failure);

/// <summary>
/// Which failures a retry may cure: the database, the network, Durable's RPC channel to the host, and whatever the
/// host's <see cref="HostFailureRule"/> says of its own SDKs. Everything else (a bug, a poison input) fails the
/// same way again.
/// </summary>
public sealed class TransientFailures(HostFailureRule? host = null) : IFailureClassifier
{
    /// <summary>The rules without a host's: the database, the network, Durable's RPC channel.</summary>
    public static TransientFailures Shared { get; } = new();

    public bool IsTransient(Exception? exception) =>
        exception switch
        {
            null => false,
            _ when host?.Invoke(exception) is { } known => known,
            NpgsqlException npgsql => DatabaseFailures.IsUnavailable(npgsql),
            RpcException rpc => rpc.StatusCode
                is StatusCode.Unavailable
                    or StatusCode.DeadlineExceeded
                    or StatusCode.ResourceExhausted
                    or StatusCode.Aborted
                    or StatusCode.Internal,
            TimeoutException or IOException or SocketException or HttpRequestException or OperationCanceledException =>
                true,
            AggregateException aggregate => aggregate.InnerExceptions.Count > 0
                && aggregate.InnerExceptions.All(IsTransient),
            _ => exception.InnerException is { } inner && IsTransient(inner),
        };

    /// <summary>
    /// The classification the HTTP API answers 503 by: the database by name, any other transient failure as a
    /// dependency.
    /// </summary>
    public string? UnavailableDependency(Exception failure) =>
        DatabaseFailures.IsUnavailable(failure) ? DatabaseFailures.Dependency
        : IsTransient(failure) ? "dependency"
        : null;

    /// <summary>
    /// Durable refused a start because an instance with that id is pending or running: the start already happened.
    /// </summary>
    public static bool IsAlreadyExists(Exception exception) =>
        exception is DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException
        || exception is RpcException { StatusCode: StatusCode.AlreadyExists };
}

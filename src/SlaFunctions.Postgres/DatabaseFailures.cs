using System.Net.Sockets;
using Npgsql;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Postgres;

/// <summary>
/// Which failures mean "the database is unavailable right now" (refused, restarting, shut down, connection lost,
/// pool exhausted) as opposed to a failure a retry would repeat. The API answers the first with 503 and the
/// background loops wait them out.
/// </summary>
public sealed class DatabaseFailures : IFailureClassifier
{
    public const string Dependency = "database";

    // 08: connection exceptions; 57P01..57P03: the server is shutting down, crashed or still starting;
    // 53300: too many connections.
    private static readonly string[] UnavailableStates = ["57P01", "57P02", "57P03", "53300"];

    public string? UnavailableDependency(Exception failure) => IsUnavailable(failure) ? Dependency : null;

    public static bool IsUnavailable(Exception? failure) =>
        failure switch
        {
            null => false,
            PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                || UnavailableStates.Contains(postgres.SqlState)
                || postgres.IsTransient,
            NpgsqlException npgsql => npgsql.IsTransient
                || npgsql.InnerException is IOException or SocketException or TimeoutException
                || IsUnavailable(npgsql.InnerException),
            AggregateException aggregate => aggregate.InnerExceptions.Count > 0
                && aggregate.InnerExceptions.All(IsUnavailable),
            _ => IsUnavailable(failure.InnerException),
        };
}

using NodaTime;
using Npgsql;

namespace SlaFunctions.Postgres.Polling;

/// <summary>
/// A connection listening on the engines' wake channel: commands that move a wake-up earlier send
/// NOTIFY in their transaction, so a sleeping engine re-plans at once instead of at its next timeout.
/// </summary>
public sealed class WakeListener : IAsyncDisposable
{
    public const string Channel = "sla_wake";

    private readonly NpgsqlConnection connection;

    private WakeListener(NpgsqlConnection connection) => this.connection = connection;

    public static async Task<WakeListener> OpenAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Sql.ExecuteAsync(connection, $"listen {Channel}", cancellationToken);
        return new WakeListener(connection);
    }

    /// <summary>Waits for a NOTIFY or the timeout; true when woken by a notification.</summary>
    public Task<bool> WaitAsync(Duration timeout, CancellationToken cancellationToken = default) =>
        connection.WaitAsync(timeout.ToTimeSpan(), cancellationToken);

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}

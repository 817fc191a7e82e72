using NodaTime;
using Npgsql;

namespace SlaFunctions.Postgres.Polling;

/// <summary>
/// A connection listening on the engines' wake channel: commands that move a wake-up earlier send
/// NOTIFY in their transaction, so a sleeping engine re-plans at once instead of at its next timeout.
/// </summary>
internal sealed class WakeListener : IAsyncDisposable
{
    public const string Channel = "sla_wake";

    private readonly NpgsqlConnection connection;

    private WakeListener(NpgsqlConnection connection) => this.connection = connection;

    public static async Task<WakeListener> OpenAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Sql.ExecuteAsync(connection, $"listen {Channel}", cancellationToken);
        return new WakeListener(connection);
    }

    /// <summary>Waits for a NOTIFY or the timeout; true when woken by a notification.</summary>
    /// <remarks>
    /// Npgsql waits whole milliseconds and takes 0 as "forever": a wake-up less than a millisecond away must
    /// still wait at least one, or the engine would sleep until the next NOTIFY.
    /// </remarks>
    public Task<bool> WaitAsync(Duration timeout, CancellationToken cancellationToken = default) =>
        connection.WaitAsync(
            Math.Max(1, (int)Math.Ceiling(Math.Min(timeout.TotalMilliseconds, int.MaxValue))),
            cancellationToken
        );

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}

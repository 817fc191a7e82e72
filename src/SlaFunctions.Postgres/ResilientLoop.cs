using Microsoft.Extensions.Logging;
using Npgsql;

namespace SlaFunctions.Postgres;

/// <summary>
/// Keeps a background loop (the engine, the dispatcher, the parking sweep) alive through database restarts and
/// outages of any length: a failed round is retried after a backoff that doubles from <see cref="FirstBackoff"/> to
/// <see cref="MaxBackoff"/>; an outage is logged once when it starts and once when it ends, not at every retry.
/// A failure that is not an outage (a bug) is logged at every round, and retried the same way.
/// Every round's failure backs off, so a loop that keeps failing costs little.
/// </summary>
internal sealed class ResilientLoop(string name, NpgsqlDataSource dataSource, ILogger logger)
{
    public static TimeSpan FirstBackoff { get; } = TimeSpan.FromMilliseconds(250);

    public static TimeSpan MaxBackoff { get; } = TimeSpan.FromSeconds(10);

    private DateTimeOffset? outageSince;
    private int failures;

    /// <summary>True while the last round failed because the database was unavailable.</summary>
    public bool InOutage => outageSince is not null;

    /// <summary>
    /// Runs <paramref name="round"/> until cancelled. A round returns normally after doing its work (the loop then
    /// runs it again at once) and is expected to do its own waiting between units of work.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(round);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await round(cancellationToken);
                Succeeded();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Failed(e), cancellationToken);
            }
        }
    }

    /// <summary>Call after a round that reached the database: ends an outage, with one log line.</summary>
    public void Succeeded()
    {
        if (outageSince is { } since)
        {
            logger.LogWarning(
                "{Loop}: the database is back after {Outage:c} ({Failures} failed attempts); resuming",
                name,
                DateTimeOffset.UtcNow - since,
                failures
            );
        }

        outageSince = null;
        failures = 0;
    }

    /// <summary>Records a failed round and returns how long to wait before the next.</summary>
    public TimeSpan Failed(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        failures++;
        if (!DatabaseFailures.IsUnavailable(failure))
        {
            logger.LogError(failure, "{Loop} failed; retrying", name);
        }
        else if (outageSince is null)
        {
            outageSince = DateTimeOffset.UtcNow;
            // The pool's idle connections died with the server's sessions: drop them, so the rounds after the outage
            // (and the API's requests) open new ones instead of failing once more on each dead one.
            dataSource.Clear();
            logger.LogError(
                "{Loop}: the database is unavailable ({Error}); retrying with backoff up to {MaxBackoff:c} until it is back",
                name,
                failure.Message,
                MaxBackoff
            );
        }

        var backoff = FirstBackoff * Math.Pow(2, Math.Min(failures - 1, 16));
        return backoff < MaxBackoff ? backoff : MaxBackoff;
    }
}

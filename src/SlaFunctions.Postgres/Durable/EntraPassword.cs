using Npgsql;

namespace SlaFunctions.Postgres.Durable;

/// <summary>
/// Uses an Entra access token as the database password (Azure Database for PostgreSQL with Entra
/// authentication): fetched before the first connection and refreshed well within its lifetime of about an hour.
/// </summary>
public static class EntraPassword
{
    public const string Scope = "https://ossrdbms-aad.database.windows.net/.default";

    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);

    public static NpgsqlDataSourceBuilder UseTokens(
        this NpgsqlDataSourceBuilder builder,
        Func<CancellationToken, ValueTask<string>> token
    )
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(token);
        return builder.UsePeriodicPasswordProvider(
            (_, cancellationToken) => token(cancellationToken),
            Refresh,
            RetryAfterFailure
        );
    }
}

using Npgsql;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Postgres;

/// <summary>Healthy when the database answers and has the schema this build expects.</summary>
internal sealed class PostgresHealth(NpgsqlDataSource dataSource) : IHealthProbe
{
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var migrated = await Sql.ScalarAsync<bool>(
                connection,
                "select to_regclass('public.schema_migrations') is not null and exists (select 1 from schema_migrations)",
                cancellationToken
            );
            return migrated ? null : "the database has not been migrated (run: slafunctions migrate)";
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return $"the database does not answer: {e.Message}";
        }
    }
}

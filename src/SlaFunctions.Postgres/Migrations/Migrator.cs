using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SlaFunctions.Postgres.Migrations;

/// <summary>
/// Applies the embedded SQL migrations in order, each once, all in one transaction under an advisory
/// lock: safe to run twice and from several processes at once. A migration already applied must not
/// change (its checksum is kept).
/// </summary>
public static class Migrator
{
    // Any constant works; it only has to be the same in every process that migrates this database.
    private const long LockKey = 0x534C_4146_756E_6373; // "SLAFuncs"

    /// <summary>
    /// Migrates once the database can be reached: a failure a retry may cure (<paramref name="isTransient"/>) is
    /// logged and retried after a wait that doubles from 2 s up to a minute; anything else is thrown.
    /// </summary>
    public static async Task MigrateWhenReachableAsync(
        NpgsqlDataSource dataSource,
        Func<Exception, bool> isTransient,
        ILogger logger,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(isTransient);
        ArgumentNullException.ThrowIfNull(logger);
        var wait = TimeSpan.FromSeconds(2);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var applied = await MigrateAsync(dataSource, cancellationToken);
                logger.LogInformation("Database migrated ({Applied} applied now)", applied.Count);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && isTransient(e))
            {
                logger.LogWarning(e, "Migrating the database failed; retrying in {Wait}", wait);
                await Task.Delay(wait, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }

    public static async Task<IReadOnlyList<string>> MigrateAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, $"select pg_advisory_xact_lock({LockKey})", cancellationToken);
        await Execute(
            connection,
            """
            create table if not exists schema_migrations (
                version     integer primary key,
                name        text not null,
                checksum    text not null,
                applied_at  timestamptz not null default now())
            """,
            cancellationToken
        );

        var applied = new Dictionary<int, string>();
        await using (var query = new NpgsqlCommand("select version, checksum from schema_migrations", connection))
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var newlyApplied = new List<string>();
        foreach (var migration in Embedded())
        {
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (checksum != migration.Checksum)
                {
                    throw new InvalidOperationException($"Migration {migration.Name} changed after it was applied.");
                }

                continue;
            }

            await Execute(connection, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                "insert into schema_migrations (version, name, checksum) values ($1, $2, $3)",
                connection
            )
            {
                Parameters =
                {
                    new() { Value = migration.Version },
                    new() { Value = migration.Name },
                    new() { Value = migration.Checksum },
                },
            };
            await record.ExecuteNonQueryAsync(cancellationToken);
            newlyApplied.Add(migration.Name);
        }

        await transaction.CommitAsync(cancellationToken);
        return newlyApplied;
    }

    private static IEnumerable<Migration> Embedded()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly
            .GetManifestResourceNames()
            .Where(n =>
                n.StartsWith("Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)
            )
            .Select(n => Load(assembly, n))
            .OrderBy(m => m.Version);
    }

    private static Migration Load(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sql = reader.ReadToEnd();
        var name = resource["Migrations.".Length..^".sql".Length];
        var version = int.Parse(
            name[..name.IndexOf('_', StringComparison.Ordinal)],
            System.Globalization.CultureInfo.InvariantCulture
        );
        return new Migration(
            version,
            name,
            sql,
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))))
        );
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record Migration(int Version, string Name, string Sql, string Checksum);
}

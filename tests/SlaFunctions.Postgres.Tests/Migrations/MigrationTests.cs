using Npgsql;
using SlaFunctions.Postgres.Migrations;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Postgres.Tests.Migrations;

public class MigrationTests
{
    [Fact]
    public async Task Migrating_twice_applies_each_migration_once()
    {
        await using var dataSource = SlaDatabase.Open(PostgresServer.CreateDatabase("sla_migrate"));

        var first = await Migrator.MigrateAsync(dataSource);
        var second = await Migrator.MigrateAsync(dataSource);

        Assert.NotEmpty(first);
        Assert.Empty(second);
        Assert.Equal(first.Count, await Count(dataSource, "select count(*) from schema_migrations"));
    }

    [Fact]
    public async Task Migrating_from_several_processes_at_once_applies_each_migration_once()
    {
        var connectionString = PostgresServer.CreateDatabase("sla_migrate");
        var sources = Enumerable.Range(0, 6).Select(_ => SlaDatabase.Open(connectionString)).ToList();

        var results = await Task.WhenAll(sources.Select(s => Task.Run(() => Migrator.MigrateAsync(s))));

        Assert.Single(results, r => r.Count > 0);
        Assert.Equal(results.Max(r => r.Count), await Count(sources[0], "select count(*) from schema_migrations"));
        Assert.Equal(1, await Count(sources[0], "select count(*) from pg_tables where tablename = 'ticket_slas'"));
        foreach (var source in sources)
        {
            await source.DisposeAsync();
        }
    }

    private static async Task<long> Count(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

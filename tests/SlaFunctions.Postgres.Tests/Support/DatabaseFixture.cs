using Npgsql;
using SlaFunctions.Postgres.Migrations;

namespace SlaFunctions.Postgres.Tests.Support;

/// <summary>A migrated database of its own for each test class (xunit class fixture).</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public string ConnectionString { get; } = PostgresServer.CreateDatabase("sla_test");

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DataSource = SlaDatabase.Open(ConnectionString);
        await Migrator.MigrateAsync(DataSource);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}

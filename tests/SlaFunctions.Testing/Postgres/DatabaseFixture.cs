using Npgsql;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Migrations;
using Xunit;

namespace SlaFunctions.Testing.Postgres;

/// <summary>A migrated database of its own for each test class (xunit class fixture).</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public DatabaseFixture()
        : this(PostgresServer.CreateDatabase("sla_test")) { }

    private DatabaseFixture(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    /// <summary>A database that already exists, such as the one of a test's <see cref="OwnCluster"/>.</summary>
    public static DatabaseFixture Of(string connectionString) => new(connectionString);

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DataSource = SlaDatabase.Open(ConnectionString);
        await Migrator.MigrateAsync(DataSource);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}

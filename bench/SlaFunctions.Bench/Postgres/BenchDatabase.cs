using System.Diagnostics;
using NodaTime;
using Npgsql;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Migrations;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Bench.Postgres;

/// <summary>
/// A fresh, migrated database of the cluster that <c>scripts/bench</c> started (its connection string is in
/// <c>SLA_BENCH_POSTGRES</c>), with one tenant, one calendar and one policy, and the product's pieces wired
/// on it as the self-host wires them.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    public const string TenantId = "bench";
    public const string PolicyId = "standard";

    private BenchDatabase(
        string connectionString,
        NpgsqlDataSource dataSource,
        IClock clock,
        int policyVersion,
        SlaStoreOptions store
    )
    {
        ConnectionString = connectionString;
        DataSource = dataSource;
        Store = store;
        Clock = clock;
        PolicyVersion = policyVersion;
        Definitions = new DefinitionStore(dataSource, clock);
        Policies = new PolicyCache(Definitions);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// How the service and the engine store tickets: the backend new tickets get, the sinks of the outbox.
    /// </summary>
    public SlaStoreOptions Store { get; }

    public IClock Clock { get; }

    public int PolicyVersion { get; }

    public DefinitionStore Definitions { get; }

    public PolicyCache Policies { get; }

    public static async Task<BenchDatabase> CreateAsync(
        string name,
        IClock clock,
        string calendarJson,
        string policyJson,
        SlaStoreOptions? store = null
    )
    {
        var server =
            Environment.GetEnvironmentVariable("SLA_BENCH_POSTGRES")
            ?? throw new InvalidOperationException(
                "SLA_BENCH_POSTGRES is not set: run the benchmark through scripts/bench, which starts PostgreSQL."
            );
        await using (var admin = SlaDatabase.Open(server))
        {
            await using var drop = admin.CreateCommand($"drop database if exists {name}");
            await drop.ExecuteNonQueryAsync();
            await using var create = admin.CreateCommand($"create database {name}");
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var dataSource = SlaDatabase.Open(connectionString);
        await Migrator.MigrateAsync(dataSource);
        var definitions = new DefinitionStore(dataSource, clock);
        var version = await AddTenantAsync(dataSource, clock, definitions, TenantId, calendarJson, policyJson);
        return new BenchDatabase(connectionString, dataSource, clock, version, store ?? new SlaStoreOptions());
    }

    /// <summary>
    /// Another tenant, with its calendar <c>main</c> and policy <see cref="PolicyId"/>; returns the policy's version.
    /// </summary>
    public Task<int> AddTenantAsync(string tenantId, string calendarJson, string policyJson) =>
        AddTenantAsync(DataSource, Clock, Definitions, tenantId, calendarJson, policyJson);

    private static async Task<int> AddTenantAsync(
        NpgsqlDataSource dataSource,
        IClock clock,
        DefinitionStore definitions,
        string tenantId,
        string calendarJson,
        string policyJson
    )
    {
        await new TenantStore(dataSource, clock).AddAsync(tenantId, "Benchmark tenant");
        await definitions.PutCalendarAsync(tenantId, "main", calendarJson);
        return await definitions.PutPolicyAsync(tenantId, PolicyId, policyJson);
    }

    public PollingEngine Engine() =>
        new(DataSource, Policies, Clock, Store, new PollingOptions(), new StderrLogger<PollingEngine>());

    public PostgresSlaService Service() => new(DataSource, Definitions, Policies, Clock, Store);

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

/// <summary>A clock the benchmark sets, or lets run at the real clock's pace.</summary>
internal sealed class BenchClock(Instant now) : IClock
{
    private Instant at = now;
    private Stopwatch? running;

    public Instant Now
    {
        get => running is null ? at : at + Duration.FromTimeSpan(running.Elapsed);
        set
        {
            at = value;
            running = null;
        }
    }

    /// <summary>From here on the clock moves as the real clock does, from the instant it shows.</summary>
    public void Run()
    {
        at = Now;
        running = Stopwatch.StartNew();
    }

    public Instant GetCurrentInstant() => Now;
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SlaFunctions.Postgres.Migrations;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>Migrates the database when the worker starts; until it has, the health route answers 503.</summary>
public sealed class MigrationService(NpgsqlDataSource dataSource, ILogger<MigrationService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Migrator.MigrateWhenReachableAsync(dataSource, AzureFailures.IsTransient, logger, stoppingToken);
}

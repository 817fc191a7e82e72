using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SlaFunctions.Postgres.Migrations;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>
/// Migrates the database when the worker starts (safe from several instances at once), retrying while the
/// database cannot be reached; until then the health route answers 503.
/// </summary>
public sealed class MigrationService(NpgsqlDataSource dataSource, ILogger<MigrationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromSeconds(2);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var applied = await Migrator.MigrateAsync(dataSource, stoppingToken);
                logger.LogInformation("Database migrated ({Applied} applied now)", applied.Count);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && AzureFailures.IsTransient(e))
            {
                logger.LogWarning(e, "Migrating the database failed; retrying in {Wait}", wait);
                await Task.Delay(wait, stoppingToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }
}

using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SlaFunctions.Postgres.Migrations;
using SlaFunctions.SelfHost.Hosting;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>Verbs that work on the database without serving HTTP: <c>migrate</c> and <c>engine</c>.</summary>
public static class DatabaseCommands
{
    public static Option<string?> ConnectionOption() =>
        new("--connection")
        {
            Description =
                "Npgsql connection string (default: Sla:Database:ConnectionString / Sla__Database__ConnectionString).",
        };

    public static Command Migrate(TextWriter stdout)
    {
        var connection = ConnectionOption();
        var command = new Command(
            "migrate",
            "Apply the database migrations (safe to run twice, and from several processes at once)."
        )
        {
            connection,
        };
        command.SetAction(
            async (parsed, cancellationToken) =>
            {
                var settings = Settings(parsed.GetValue(connection));
                await using var dataSource = Postgres.SlaDatabase.Open(settings.ConnectionString);
                var applied = await Migrator.MigrateAsync(dataSource, cancellationToken);
                stdout.WriteLine(
                    applied.Count == 0
                        ? "migrate: the database is up to date"
                        : $"migrate: applied {string.Join(", ", applied)}"
                );
                return 0;
            }
        );
        return command;
    }

    public static Command Engine()
    {
        var connection = ConnectionOption();
        var command = new Command(
            "engine",
            "Run the polling engine and the notification dispatcher (no HTTP) until stopped."
        )
        {
            connection,
        };
        command.SetAction(
            async (parsed, cancellationToken) =>
            {
                var builder = Host.CreateApplicationBuilder();
                var settings = Settings(parsed.GetValue(connection), builder.Configuration);
                builder.Services.AddSla(settings).AddSlaWorkers();
                using var host = builder.Build();
                await Migrator.MigrateAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), cancellationToken);
                await host.RunAsync(cancellationToken);
                return 0;
            }
        );
        return command;
    }

    internal static SlaSettings Settings(string? connection, IConfiguration? configuration = null)
    {
        var config = new ConfigurationBuilder()
            .AddConfiguration(configuration ?? new ConfigurationBuilder().AddEnvironmentVariables().Build())
            .AddInMemoryCollection(connection is null ? [] : [new("Sla:Database:ConnectionString", connection)])
            .Build();
        return SlaSettings.From(config);
    }
}

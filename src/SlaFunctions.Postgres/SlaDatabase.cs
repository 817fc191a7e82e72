using System.Data.Common;
using Npgsql;

namespace SlaFunctions.Postgres;

/// <summary>Opens the system of record: an Npgsql data source with NodaTime types.</summary>
public static class SlaDatabase
{
    /// <summary>
    /// The most connections one process opens when the connection string does not say (<c>Maximum Pool Size</c>):
    /// well under PostgreSQL's default <c>max_connections</c> of 100, so a few instances and other clients fit.
    /// </summary>
    internal const int DefaultMaxConnections = 20;

    /// <param name="configure">Host-specific setup, such as an Entra token as the password on Azure.</param>
    public static NpgsqlDataSource Open(string connectionString, Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Every store runs the same few statements over and over: let Npgsql prepare them, unless the
        // connection string says otherwise.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }

        if (!NamesPoolMaximum(connectionString))
        {
            builder.ConnectionStringBuilder.MaxPoolSize = DefaultMaxConnections;
        }

        builder.UseNodaTime();
        configure?.Invoke(builder);
        return builder.Build();
    }

    private static bool NamesPoolMaximum(string connectionString) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }
            .Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal))
            .Any(k =>
                k.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase)
                || k.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase)
            );
}

using Npgsql;

namespace SlaFunctions.Postgres;

/// <summary>Opens the system of record: an Npgsql data source with NodaTime types.</summary>
public static class SlaDatabase
{
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

        builder.UseNodaTime();
        configure?.Invoke(builder);
        return builder.Build();
    }
}

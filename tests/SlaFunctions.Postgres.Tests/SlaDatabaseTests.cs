using Npgsql;

namespace SlaFunctions.Postgres.Tests;

public sealed class SlaDatabaseTests
{
    [Theory]
    [InlineData("Host=127.0.0.1;Username=sla", 20)]
    [InlineData("Host=127.0.0.1;Username=sla;Maximum Pool Size=7", 7)]
    [InlineData("Host=127.0.0.1;Username=sla;maxpoolsize=5", 5)]
    [InlineData("Host=127.0.0.1;Username=sla;MaxPoolSize=150", 150)]
    public void A_process_opens_at_most_the_pool_maximum_the_connection_string_names_else_twenty(
        string connectionString,
        int maximum
    )
    {
        using var dataSource = SlaDatabase.Open(connectionString);

        Assert.Equal(maximum, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize);
    }
}

using Npgsql;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Postgres.Tests.Durable;

public class EntraPasswordTests
{
    [Fact]
    public async Task Connections_get_their_password_from_the_token_provider()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.CreateDatabase("sla_entra"))
        {
            Password = null,
        }.ConnectionString;
        var calls = 0;

        await using var dataSource = SlaDatabase.Open(
            connectionString,
            builder =>
                builder.UseTokens(_ =>
                {
                    Interlocked.Increment(ref calls);
                    return ValueTask.FromResult("token");
                })
        );
        await using var command = dataSource.CreateCommand("select 1");

        Assert.Equal(1, await command.ExecuteScalarAsync());
        Assert.True(calls >= 1);
    }
}

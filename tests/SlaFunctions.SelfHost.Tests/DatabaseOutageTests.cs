using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using SlaFunctions.Core.Api;
using SlaFunctions.SelfHost.Tests.Support;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests;

/// <summary>
/// <c>serve</c> (in the test host, with its workers) and an <c>engine</c> process on a cluster of their own, restarted,
/// then stopped and started: both keep running, the API answers 503 meanwhile, and what fell due fires afterwards.
/// </summary>
public sealed class DatabaseOutageTests
{
    private const string AlwaysOpen = """{ "timeZone": "UTC", "is24x7": true }""";

    [Fact]
    public async Task Serve_and_engine_outlive_a_restart_and_an_outage_answering_503_meanwhile_and_fire_what_fell_due()
    {
        using var cluster = OwnCluster.Create();
        var database = DatabaseFixture.Of(cluster.ConnectionString);
        await database.InitializeAsync();
        var now = Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds());
        var sla = new SlaHarness(database.DataSource, now);
        var tenant = await sla.NewTenantAsync(AlwaysOpen);
        var key = (await sla.Tenants.CreateKeyAsync(tenant)).Token;
        await using var serve = await ServiceHost.StartAsync(database, now, workers: true);
        using var engine = EngineProcess.Start(cluster.ConnectionString);
        await WaitUntilAsync(
            async () =>
                await CountAsync(cluster, "select count(*) from pg_stat_activity where query like 'listen %'") == 2,
            engine
        );
        // The 50 % warning of this P1 response (60 minutes, 24x7) falls due 8 seconds from now: during the outage.
        var due = now + Duration.FromSeconds(8);
        var created = due - Duration.FromMinutes(30);
        var (started, _, _) = await serve.SendAsync(
            HttpMethod.Post,
            $"/api/tenants/{tenant}/tickets/T-1/sla",
            key,
            $$"""{ "priority": "P1", "createdAt": "{{created}}" }"""
        );
        Assert.Equal(201, started);

        cluster.Restart();
        await WaitUntilAsync(
            async () =>
                (await serve.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/tickets/T-1/sla", key)).Status == 200,
            engine
        );

        cluster.Stop();
        using (var status = await GetAsync(serve, $"/api/tenants/{tenant}/tickets/T-1/sla", key))
        {
            await AssertDatabaseUnavailableAsync(status);
        }

        var (commandStatus, command, _) = await serve.SendAsync(
            HttpMethod.Post,
            $"/api/tenants/{tenant}/tickets/T-1/sla/respond",
            key,
            "{}"
        );
        Assert.Equal((503, Problem.TypeBase + "database-unavailable"), (commandStatus, (string?)command!["type"]));
        Assert.Equal(503, (await serve.SendAsync(HttpMethod.Get, "/api/health", null)).Status);
        while (SystemClock.Instance.GetCurrentInstant() < due + Duration.FromSeconds(2))
        {
            Assert.False(engine.HasExited, "the engine process exited during the outage");
            await Task.Delay(100);
        }

        cluster.Start();
        await WaitUntilAsync(
            async () => (await serve.SendAsync(HttpMethod.Get, "/api/health", null)).Status == 200,
            engine
        );
        await WaitUntilAsync(
            async () => await CountAsync(cluster, "select count(*) from notifications where ticket_id = 'T-1'") == 1,
            engine
        );

        serve.Clock.Reset(SystemClock.Instance.GetCurrentInstant()); // the status as of now, after the outage
        var (_, body, _) = await serve.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/tickets/T-1/sla", key);
        var fired = body!["notifications"]!.AsArray().Single()!;
        Assert.Equal(due, NodaTime.Text.InstantPattern.ExtendedIso.Parse((string)fired["dueAt"]!).Value);
        Assert.False(engine.HasExited);
        Assert.False(
            serve.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested,
            "a background service of serve failed and stopped the host"
        );
        engine.Kill(entireProcessTree: true);
        await engine.WaitForExitAsync();
        await database.DisposeAsync();
    }

    /// <summary>On a connection of its own: the test's pooled ones died with the server's restart.</summary>
    private static async Task<long> CountAsync(OwnCluster cluster, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cluster.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task<HttpResponseMessage> GetAsync(ServiceHost host, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await host.Http.SendAsync(request);
    }

    private static async Task AssertDatabaseUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(Problem.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal(Problem.ContentType, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(Problem.TypeBase + "database-unavailable", (string?)problem["type"]);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> done, System.Diagnostics.Process engine)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await done())
        {
            Assert.False(engine.HasExited, "the engine process exited");
            Assert.True(DateTime.UtcNow < deadline, "nothing happened within a minute of the database's return");
            await Task.Delay(100);
        }
    }
}

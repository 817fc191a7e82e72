using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests.Http;

public sealed class TenantSettingsApiTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 8, 14, 0);

    [Fact]
    public async Task The_tolerance_is_15_minutes_until_set_and_then_as_set()
    {
        await using var host = await ServiceHost.StartAsync(database, Now);
        var (tenant, key) = await host.NewTenantAsync();

        var (status, body, contentType) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/settings", key);
        Assert.Equal((200, "application/json"), (status, contentType));
        Assert.Equal("""{"lateEventToleranceMinutes":15}""", body!.ToJsonString());

        var (putStatus, put, _) = await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/settings",
            key,
            """{ "lateEventToleranceMinutes": 30 }"""
        );
        Assert.Equal(200, putStatus);
        Assert.Equal("""{"lateEventToleranceMinutes":30}""", put!.ToJsonString());

        var (_, after, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/settings", key);
        Assert.Equal(30, (int)after!["lateEventToleranceMinutes"]!);
        Assert.Equal(
            Duration.FromMinutes(30),
            (await host.Services.GetRequiredService<ITenantSettings>().GetAsync(tenant)).LateEventTolerance
        );
    }

    [Theory]
    [InlineData("""{ "lateEventToleranceMinutes": 10081 }""", "$.lateEventToleranceMinutes")]
    [InlineData("""{ "lateEventToleranceMinutes": -5 }""", "$.lateEventToleranceMinutes")]
    [InlineData("""{ "lateEventToleranceMinutes": "30" }""", "$.lateEventToleranceMinutes")]
    [InlineData("{}", "$.lateEventToleranceMinutes")]
    [InlineData("""{ "lateEventToleranceMinutes": 30, "tolerance": 5 }""", "$.tolerance")]
    public async Task A_bad_body_is_a_400_naming_the_field_and_leaves_the_settings(string bad, string field)
    {
        await using var host = await ServiceHost.StartAsync(database, Now);
        var (tenant, key) = await host.NewTenantAsync();
        await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/settings",
            key,
            """{ "lateEventToleranceMinutes": 45 }"""
        );

        var (status, problem, contentType) = await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/settings",
            key,
            bad
        );

        Assert.Equal((400, "application/problem+json"), (status, contentType));
        Assert.Equal(field, (string?)problem!["field"]);
        var (_, after, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/settings", key);
        Assert.Equal(45, (int)after!["lateEventToleranceMinutes"]!);
    }

    [Fact]
    public async Task Another_tenants_key_neither_reads_nor_sets_them()
    {
        await using var host = await ServiceHost.StartAsync(database, Now);
        var (tenant, key) = await host.NewTenantAsync();
        var (other, otherKey) = await host.NewTenantAsync();
        await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/settings",
            key,
            """{ "lateEventToleranceMinutes": 60 }"""
        );

        var (getStatus, getProblem, _) = await host.SendAsync(
            HttpMethod.Get,
            $"/api/tenants/{tenant}/settings",
            otherKey
        );
        var (putStatus, putProblem, _) = await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/settings",
            otherKey,
            """{ "lateEventToleranceMinutes": 0 }"""
        );
        var (anonymous, _, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/settings", null);

        Assert.Equal((403, "tenant"), (getStatus, (string?)getProblem!["field"]));
        Assert.Equal((403, "tenant"), (putStatus, (string?)putProblem!["field"]));
        Assert.Equal(401, anonymous);
        var settings = host.Services.GetRequiredService<ITenantSettings>();
        Assert.Equal(Duration.FromMinutes(60), (await settings.GetAsync(tenant)).LateEventTolerance);
        Assert.Equal(TenantSettings.Default, await settings.GetAsync(other));
    }
}

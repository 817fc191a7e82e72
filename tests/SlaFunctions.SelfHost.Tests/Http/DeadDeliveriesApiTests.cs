using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests.Http;

public sealed class DeadDeliveriesApiTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");

    [Fact]
    public async Task Dead_deliveries_are_listed_page_by_page_and_redelivered_and_bad_requests_name_the_field()
    {
        using var receiver = new WebhookReceiver(failFirst: 3);
        await using var host = await ServiceHost.StartAsync(
            database,
            Monday9 + Duration.FromMinutes(46),
            new Dictionary<string, string>
            {
                ["Sla:Webhooks:Url"] = receiver.Url.ToString(),
                ["Sla:Webhooks:Secret"] = "secret",
                ["Sla:Dispatch:MaxAttempts"] = "1",
            }
        );
        var tenant = await new SlaHarness(database.DataSource, Monday9).NewTenantAsync();
        var key = (await host.Services.GetRequiredService<TenantStore>().CreateKeyAsync(tenant)).Token;
        Assert.Equal(
            201,
            (
                await host.SendAsync(
                    HttpMethod.Post,
                    $"/api/tenants/{tenant}/tickets/T-1/sla",
                    key,
                    """{ "priority": "P1", "createdAt": "2026-06-08T13:00:00Z" }"""
                )
            ).Status
        );
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        Assert.Equal(6, await dispatcher.DispatchOnceAsync()); // 3 notifications to the log and to the webhook, which refuses them

        var (status, page, _) = await host.SendAsync(
            HttpMethod.Get,
            $"/api/tenants/{tenant}/dead-deliveries?limit=2",
            key
        );
        Assert.Equal(200, status);
        Assert.Equal(2, page!["items"]!.AsArray().Count);
        Assert.All(
            page["items"]!.AsArray(),
            item =>
            {
                Assert.Equal(
                    ("webhook", "T-1", 1),
                    ((string?)item!["sink"], (string?)item["ticketId"], (int)item["attempts"]!)
                );
                Assert.Contains("503", (string?)item["lastError"], StringComparison.Ordinal);
            }
        );
        var (_, rest, _) = await host.SendAsync(
            HttpMethod.Get,
            $"/api/tenants/{tenant}/dead-deliveries?after={Uri.EscapeDataString((string)page["next"]!)}",
            key
        );
        Assert.Single(rest!["items"]!.AsArray());
        Assert.Null(rest["next"]);

        Assert.Equal(
            401,
            (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/dead-deliveries", null)).Status
        );
        await AssertRefusedAsync(
            host,
            HttpMethod.Get,
            $"/api/tenants/{tenant}/dead-deliveries?after=yesterday",
            key,
            null,
            "after"
        );
        await AssertRefusedAsync(
            host,
            HttpMethod.Get,
            $"/api/tenants/{tenant}/dead-deliveries?limit=0",
            key,
            null,
            "limit"
        );
        var redeliver = $"/api/tenants/{tenant}/dead-deliveries/redeliver";
        await AssertRefusedAsync(
            host,
            HttpMethod.Post,
            redeliver,
            key,
            """{ "notificationIds": ["not-a-uuid"] }""",
            "$.notificationIds[0]"
        );
        await AssertRefusedAsync(
            host,
            HttpMethod.Post,
            redeliver,
            key,
            """{ "notificationIds": [] }""",
            "$.notificationIds"
        );
        await AssertRefusedAsync(host, HttpMethod.Post, redeliver, key, """{ "sinks": "webhook" }""", "$.sinks");

        var one = (string)page["items"]![0]!["notificationId"]!;
        var (_, first, _) = await host.SendAsync(
            HttpMethod.Post,
            redeliver,
            key,
            $$"""{ "notificationIds": ["{{one}}"], "sink": "webhook" }"""
        );
        Assert.Equal(1, (int)first!["redelivered"]!);
        var (_, all, _) = await host.SendAsync(HttpMethod.Post, redeliver, key, "{}");
        Assert.Equal(2, (int)all!["redelivered"]!);
        Assert.Equal(3, await dispatcher.DispatchOnceAsync());
        Assert.Equal(3, receiver.Received.Count);
        Assert.Empty(
            (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/dead-deliveries", key)).Body![
                "items"
            ]!.AsArray()
        );
    }

    private static async Task AssertRefusedAsync(
        ServiceHost host,
        HttpMethod method,
        string path,
        string key,
        string? body,
        string field
    )
    {
        var (status, problem, contentType) = await host.SendAsync(method, path, key, body);
        Assert.Equal((400, "application/problem+json", field), (status, contentType, (string?)problem!["field"]));
    }
}

using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests.Http;

public class HealthAndOpenApiTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Health_checks_the_database_and_the_openapi_document_lists_every_route()
    {
        await using var host = await ServiceHost.StartAsync(database, NodaTime.Instant.FromUtc(2026, 6, 8, 13, 0));

        var (status, body, _) = await host.SendAsync(HttpMethod.Get, "/api/health", null);
        Assert.Equal(200, status);
        Assert.Equal("healthy", (string?)body!["status"]);

        var (docStatus, doc, _) = await host.SendAsync(HttpMethod.Get, "/openapi/v1.json", null);
        Assert.Equal(200, docStatus);
        var paths = doc!["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/tenants/{tenant}/tickets/{ticket}/sla/{command}", paths);
        Assert.Contains("/api/tenants/{tenant}/events", paths);
        Assert.Contains("/api/simulate", paths);
        Assert.NotNull(doc["paths"]!["/api/tenants/{tenant}/policies/{policyId}"]!["put"]!["requestBody"]);
        var settings = doc["paths"]!["/api/tenants/{tenant}/settings"]!;
        Assert.StartsWith("The tenant's settings", (string?)settings["get"]!["summary"], StringComparison.Ordinal);
        Assert.StartsWith(
            "Set the tenant's late-event tolerance",
            (string?)settings["put"]!["summary"],
            StringComparison.Ordinal
        );
        Assert.NotNull(settings["put"]!["requestBody"]);
    }
}

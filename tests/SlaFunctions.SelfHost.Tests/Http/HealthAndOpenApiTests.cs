using System.Text.Json.Nodes;
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

        // A fired notification, as the status and command answers list it: a retraction names what it withdraws.
        var command = doc["paths"]!["/api/tenants/{tenant}/tickets/{ticket}/sla/{command}"]!["post"]!;
        Assert.NotNull(command["responses"]!["422"]);
        var notification = Resolved(doc, Resolved(doc, Resolved(doc, Ok(command))["properties"]!["sla"]!))[
            "properties"
        ]!["notifications"]!["items"]!;
        var fields = Resolved(doc, notification)["properties"]!.AsObject();
        Assert.Contains("retracts", fields.Select(f => f.Key));
        Assert.Contains("retracted", fields.Select(f => f.Key));
        Assert.Contains("retraction", (string?)fields["kind"]!["description"], StringComparison.Ordinal);
        var statusRoute = doc["paths"]!["/api/tenants/{tenant}/tickets/{ticket}/sla"]!["get"]!;
        Assert.Contains("notifications", Resolved(doc, Ok(statusRoute))["properties"]!.AsObject().Select(f => f.Key));
    }

    private static JsonNode Ok(JsonNode operation) =>
        operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

    /// <summary>A schema, or the component its <c>$ref</c> names.</summary>
    private static JsonNode Resolved(JsonNode doc, JsonNode schema) =>
        (string?)schema["$ref"] is { } reference ? doc["components"]!["schemas"]![reference.Split('/')[^1]]! : schema;
}

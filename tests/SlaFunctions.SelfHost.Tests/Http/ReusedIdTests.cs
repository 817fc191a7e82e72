using System.Text.Json.Nodes;
using NodaTime;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;
using static SlaFunctions.SelfHost.Tests.Support.Events;

namespace SlaFunctions.SelfHost.Tests.Http;

/// <summary>
/// An idempotency key or event id sent again is a duplicate only with the same content; with other content it is
/// refused and changes nothing.
/// </summary>
public class ReusedIdTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    // Half an hour after the tickets are created: every event below is dated within the late-event tolerance.
    private static readonly Instant Monday930 = Instant.FromUtc(2026, 6, 8, 13, 30);

    [Fact]
    public async Task An_idempotency_key_reused_for_another_command_is_a_409_and_an_identical_retry_a_duplicate()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday930);
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);
        var sla = $"/api/tenants/{tenant}/tickets/T-1/sla";
        await host.SendAsync(
            HttpMethod.Post,
            sla,
            key,
            """{ "priority": "P1", "policyId": "standard", "createdAt": "2026-06-08T13:00:00Z" }"""
        );
        var header = new Dictionary<string, string> { ["Idempotency-Key"] = "k-1" };

        var first = await host.SendAsync(
            HttpMethod.Post,
            sla + "/pause",
            key,
            """{ "reason": "vendor", "at": "2026-06-08T13:20:00Z" }""",
            headers: header
        );
        var retry = await host.SendAsync(
            HttpMethod.Post,
            sla + "/pause",
            key,
            """{ "at": "2026-06-08T13:20:00Z", "reason": "vendor", "idempotencyKey": "k-1" }"""
        );
        var before = (await host.SendAsync(HttpMethod.Get, sla, key)).Body!.ToJsonString();
        var otherBody = await host.SendAsync(
            HttpMethod.Post,
            sla + "/pause",
            key,
            """{ "reason": "client", "at": "2026-06-08T13:20:00Z" }""",
            headers: header
        );
        var otherCommand = await host.SendAsync(
            HttpMethod.Post,
            sla + "/resume",
            key,
            """{ "reason": "vendor", "at": "2026-06-08T13:20:00Z" }""",
            headers: header
        );

        Assert.Equal(200, first.Status);
        Assert.Equal((200, "duplicate"), (retry.Status, (string?)retry.Body!["effect"]));
        foreach (var refused in new[] { otherBody, otherCommand })
        {
            Assert.Equal(
                (409, "application/problem+json", "idempotencyKey"),
                (refused.Status, refused.ContentType, (string?)refused.Body!["field"])
            );
        }

        Assert.Equal(before, (await host.SendAsync(HttpMethod.Get, sla, key)).Body!.ToJsonString());
    }

    [Fact]
    public async Task An_event_id_reused_for_another_event_is_refused_and_an_identical_resend_is_a_duplicate()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday930);
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);
        await PostAsync(host, tenant, key, Batch(Created(tenant, "e1", "T-1", "2026-06-08T13:00:00Z")));
        var applied = Status(tenant, "e2", "T-1", "2026-06-08T13:20:00Z", "awaiting_client");
        var parked = Status(tenant, "e3", "T-9", "2026-06-08T13:20:00Z", "awaiting_client");
        await PostAsync(host, tenant, key, Batch(applied, parked));

        var reordered = JsonNode.Parse(applied)!.AsObject();
        var same = new JsonObject(
            reordered.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))
        ).ToJsonString();
        var results = await PostAsync(
            host,
            tenant,
            key,
            Batch(
                same,
                Status(tenant, "e2", "T-1", "2026-06-08T13:20:00Z", "open"),
                parked,
                Status(tenant, "e3", "T-9", "2026-06-08T13:25:00Z", "awaiting_client"),
                Status(tenant, "e4", "T-1", "2026-06-08T13:30:00Z", "open"),
                Status(tenant, "e4", "T-1", "2026-06-08T13:30:00Z", "closed")
            )
        );

        Assert.Equal(
            ["duplicate", "dead-lettered", "duplicate", "dead-lettered", "applied", "dead-lettered"],
            results.Select(r => (string)r!["status"]!)
        );
        Assert.All(
            [results[1], results[3], results[5]],
            r => Assert.StartsWith("ReusedEventId: ", (string)r!["reason"]!, StringComparison.Ordinal)
        );
        Assert.Equal("$[1].eventId", (string?)results[1]!["field"]);
        var parkedReuse = await PostAsync(
            host,
            tenant,
            key,
            Batch(Status(tenant, "e3", "T-9", "2026-06-08T13:20:00Z", "open"))
        );
        Assert.Equal("dead-lettered", (string?)parkedReuse[0]!["status"]);
        var status = (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/tickets/T-1/sla", key)).Body!;
        Assert.Equal("2026-06-08T13:30:00Z", (string?)status["pauses"]![0]!["to"]);
    }

    private static async Task<JsonArray> PostAsync(ServiceHost host, string tenant, string key, string batch)
    {
        var (status, body, _) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/events", key, batch);
        Assert.True(status == 200, $"{status}: {body?.ToJsonString()}");
        return body!["results"]!.AsArray();
    }
}

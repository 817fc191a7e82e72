using System.Text.Json.Nodes;
using NodaTime;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests.Http;

/// <summary>A rollout's dry run through the HTTP API: the change per ticket, the summary, CSV, and nothing written.</summary>
public class RolloutTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    // Monday 2026-06-08 09:00 in New York.
    private static readonly Instant Monday9 = Instant.FromUtc(2026, 6, 8, 13, 0);

    [Fact]
    public async Task A_dry_run_shows_each_open_tickets_change_and_the_summary_and_changes_nothing()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday9);
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);
        var tickets = $"/api/tenants/{tenant}/tickets";
        foreach (var (id, priority) in new[] { ("T-1", "P1"), ("T-2", "P2"), ("T-3", "P1") })
        {
            var started = await host.SendAsync(
                HttpMethod.Post,
                $"{tickets}/{id}/sla",
                key,
                $$"""{ "policyId": "standard", "priority": "{{priority}}" }"""
            );
            Assert.Equal(201, started.Status);
        }

        await host.SendAsync(HttpMethod.Post, $"{tickets}/T-3/sla/resolve", key, "{}");
        var policy = JsonNode.Parse(File.ReadAllText(Repo.Path("samples/weekday-ticket.json")))!["policy"]!;
        policy["targets"]!["P1"]!["responseMinutes"] = 30;
        var version = await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/policies/standard",
            key,
            policy.ToJsonString()
        );
        host.Clock.Advance(Duration.FromMinutes(10));
        var before = (await host.SendAsync(HttpMethod.Get, $"{tickets}/T-1/sla", key)).Body!.ToJsonString();
        var body = """{ "policyId": "standard", "version": 2, "dryRun": true }""";

        var (status, json, _) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/rollouts", key, body);
        var (csvStatus, _, csvType) = await host.SendAsync(
            HttpMethod.Post,
            $"/api/tenants/{tenant}/rollouts",
            key,
            body,
            headers: new Dictionary<string, string> { ["Accept"] = "text/csv" }
        );

        Assert.Equal((200, 200), (version.Status, status));
        Assert.Equal(2, (int)version.Body!["version"]!);
        Assert.Equal("2026-06-08T13:10:00Z", (string?)json!["effectiveAt"]);
        Assert.Equal(
            """{"matched":2,"unchanged":1,"dueEarlier":1,"dueLater":0,"newlyBreached":0,"skipped":0,"skippedReasons":{}}""",
            json["summary"]!.ToJsonString()
        );
        var first = json["tickets"]![0]!;
        Assert.Equal(("T-1", "dueEarlier"), ((string?)first["ticketId"], (string?)first["effect"]));
        Assert.Equal(
            """{"phase":"response","cycle":1,"dueBefore":"2026-06-08T14:00:00Z","dueAfter":"2026-06-08T13:30:00Z","stateBefore":"running","stateAfter":"running","remainingBefore":"PT50M","remainingAfter":"PT20M"}""",
            first["phases"]![0]!.ToJsonString()
        );
        Assert.Equal(["T-1", "T-2"], json["tickets"]!.AsArray().Select(t => (string)t!["ticketId"]!));
        Assert.Equal((200, "text/csv"), (csvStatus, csvType));
        Assert.Equal(before, (await host.SendAsync(HttpMethod.Get, $"{tickets}/T-1/sla", key)).Body!.ToJsonString());
    }
}

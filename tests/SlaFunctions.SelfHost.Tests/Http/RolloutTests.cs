using System.Text.Json.Nodes;
using NodaTime;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests.Http;

/// <summary>
/// A rollout through the HTTP API: the dry run (the change per ticket, the summary, CSV, nothing written), then the
/// rollout applied by the service's worker, read at its Location, and cancelled.
/// </summary>
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

    [Fact]
    public async Task A_started_rollout_is_applied_by_the_worker_reported_at_its_location_and_cannot_be_cancelled_once_done()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday9, workers: true);
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);
        var tickets = $"/api/tenants/{tenant}/tickets";
        foreach (var (id, priority) in new[] { ("T-1", "P1"), ("T-2", "P2") })
        {
            await host.SendAsync(
                HttpMethod.Post,
                $"{tickets}/{id}/sla",
                key,
                $$"""{ "policyId": "standard", "priority": "{{priority}}" }"""
            );
        }

        var policy = JsonNode.Parse(File.ReadAllText(Repo.Path("samples/weekday-ticket.json")))!["policy"]!;
        policy["targets"]!["P1"]!["responseMinutes"] = 30;
        await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}/policies/standard", key, policy.ToJsonString());
        host.Clock.Advance(Duration.FromMinutes(10));
        var rollouts = $"/api/tenants/{tenant}/rollouts";

        var (status, started, _) = await host.SendAsync(
            HttpMethod.Post,
            rollouts,
            key,
            """{ "policyId": "standard", "version": 2, "dryRun": false }"""
        );

        Assert.Equal(202, status);
        Assert.Equal(("running", 2), ((string?)started!["state"], (int)started["total"]!));
        var location = $"{rollouts}/{(string)started["id"]!}";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonNode progress;
        while ((string?)(progress = (await host.SendAsync(HttpMethod.Get, location, key)).Body!)["state"] != "done")
        {
            Assert.True(DateTime.UtcNow < deadline, $"not done within a minute: {progress.ToJsonString()}");
            await Task.Delay(200);
        }

        Assert.Equal((2, 0), ((int)progress["done"]!, (int)progress["skipped"]!));
        Assert.Equal(
            """{"matched":2,"unchanged":1,"dueEarlier":1,"dueLater":0,"newlyBreached":0,"skipped":0,"skippedReasons":{}}""",
            progress["summary"]!.ToJsonString()
        );
        var t1 = (await host.SendAsync(HttpMethod.Get, $"{tickets}/T-1/sla", key)).Body!;
        Assert.Contains(
            t1["phases"]!.AsArray(),
            p => (string?)p!["phase"] == "response" && (string?)p["dueAt"] == "2026-06-08T13:30:00Z"
        );
        var cancel = await host.SendAsync(HttpMethod.Post, $"{location}/cancel", key);
        Assert.Equal((409, "rolloutId"), (cancel.Status, (string?)cancel.Body!["field"]));
        var unknown = await host.SendAsync(HttpMethod.Get, $"{rollouts}/{Guid.NewGuid():D}", key);
        Assert.Equal((404, "rolloutId"), (unknown.Status, (string?)unknown.Body!["field"]));
        var bad = await host.SendAsync(HttpMethod.Get, $"{rollouts}/not-a-uuid", key);
        Assert.Equal((400, "rolloutId"), (bad.Status, (string?)bad.Body!["field"]));
        var paged = await host.SendAsync(
            HttpMethod.Post,
            rollouts,
            key,
            """{ "policyId": "standard", "version": 2, "dryRun": false, "limit": 5 }"""
        );
        Assert.Equal((400, "$.limit"), (paged.Status, (string?)paged.Body!["field"]));
    }

    [Fact]
    public async Task A_calendar_is_rolled_out_as_the_versions_it_gave_its_policies()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday9);
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);
        await host.SendAsync(
            HttpMethod.Post,
            $"/api/tenants/{tenant}/tickets/T-1/sla",
            key,
            """{ "policyId": "standard", "priority": "P1" }"""
        );
        var calendar = JsonNode.Parse(File.ReadAllText(Repo.Path("samples/weekday-ticket.json")))!["calendars"]!["ny"]!;
        var changed = await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/calendars/ny",
            key,
            calendar.ToJsonString().Replace("17:00", "19:00", StringComparison.Ordinal)
        );
        var rollouts = $"/api/tenants/{tenant}/rollouts";

        var (status, json, _) = await host.SendAsync(
            HttpMethod.Post,
            rollouts,
            key,
            """{ "calendarId": "ny", "dryRun": true }"""
        );
        var outside = await host.SendAsync(
            HttpMethod.Post,
            rollouts,
            key,
            """{ "calendarId": "ny", "dryRun": true, "filter": { "policyId": ["gold"] } }"""
        );
        var unknown = await host.SendAsync(
            HttpMethod.Post,
            rollouts,
            key,
            """{ "calendarId": "mars", "dryRun": true }"""
        );

        Assert.Equal((200, 200), (changed.Status, status));
        Assert.Equal("ny", (string?)json!["calendarId"]);
        Assert.Equal("""[{"policyId":"standard","version":2}]""", json["versions"]!.ToJsonString());
        Assert.Equal(1, (int)json["summary"]!["matched"]!);
        Assert.Equal((400, "$.filter.policyId"), (outside.Status, (string?)outside.Body!["field"]));
        Assert.Equal((400, "$.calendarId"), (unknown.Status, (string?)unknown.Body!["field"]));
    }
}

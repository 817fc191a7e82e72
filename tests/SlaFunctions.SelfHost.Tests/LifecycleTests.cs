using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests;

/// <summary>A ticket's whole life through the HTTP API ends where <c>simulate</c> says it does.</summary>
public class LifecycleTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Start_pause_over_a_weekend_respond_resolve_reopen_equals_simulate()
    {
        var scenario = JsonNode.Parse(File.ReadAllText(Repo.Path("samples/weekday-ticket.json")))!;
        // Friday 2026-06-05 15:00 New York; paused from Friday 16:00 to Monday 09:00.
        scenario["events"] = JsonNode.Parse(
            """
            [ { "at": "2026-06-05T19:00:00Z", "type": "created", "priority": "P1" },
              { "at": "2026-06-05T20:00:00Z", "type": "pause", "reason": "awaiting_client" },
              { "at": "2026-06-08T13:00:00Z", "type": "resume", "reason": "awaiting_client" },
              { "at": "2026-06-08T13:20:00Z", "type": "responded" },
              { "at": "2026-06-08T18:00:00Z", "type": "resolved" },
              { "at": "2026-06-09T14:00:00Z", "type": "reopened" } ]
            """
        );
        scenario["until"] = "2026-06-10T20:00:00Z";
        var events = scenario["events"]!.AsArray();
        var created = Instant("2026-06-05T19:00:00Z");
        await using var host = await ServiceHost.StartAsync(database, created);
        var (tenant, key) = await host.NewTenantAsync();
        var sla = $"/api/tenants/{tenant}/tickets/T-100/sla";

        Assert.Equal(
            200,
            (
                await host.SendAsync(
                    HttpMethod.Put,
                    $"/api/tenants/{tenant}/calendars/ny",
                    key,
                    scenario["calendars"]!["ny"]!.ToJsonString()
                )
            ).Status
        );
        Assert.Equal(
            200,
            (
                await host.SendAsync(
                    HttpMethod.Put,
                    $"/api/tenants/{tenant}/policies/standard",
                    key,
                    scenario["policy"]!.ToJsonString()
                )
            ).Status
        );
        Assert.Equal(
            201,
            (await host.SendAsync(HttpMethod.Post, sla, key, """{ "policyId": "standard", "priority": "P1" }""")).Status
        );
        foreach (var e in events.Skip(1))
        {
            var at = Instant((string)e!["at"]!);
            await host.RunEngineUntilAsync(at, inclusive: false);
            var command = (string)e["type"]! switch
            {
                "responded" => "respond",
                "resolved" => "resolve",
                "reopened" => "reopen",
                var other => other,
            };
            var body = e["reason"] is { } reason
                ? $$"""{ "at": "{{at}}", "reason": "{{reason}}" }"""
                : $$"""{ "at": "{{at}}" }""";
            Assert.Equal(200, (await host.SendAsync(HttpMethod.Post, $"{sla}/{command}", key, body)).Status);
        }

        await host.RunEngineUntilAsync(Instant((string)scenario["until"]!));
        var (status, actual, _) = await host.SendAsync(HttpMethod.Get, sla, key);
        var (simulated, expected, _) = await host.SendAsync(
            HttpMethod.Post,
            "/api/simulate",
            null,
            scenario.ToJsonString()
        );

        Assert.Equal(200, status);
        Assert.Equal(200, simulated);
        string[] phaseFields = ["phase", "cycle", "target", "startedAt", "dueAt", "completedAt", "elapsed", "paused"];
        Assert.Equal(
            expected!["phases"]!.AsArray().Select(p => Pick(p!, phaseFields) + (string)p!["outcome"]!),
            actual!["phases"]!.AsArray().Select(p => Pick(p!, phaseFields) + (string)p!["state"]!)
        );
        string[] notificationFields = ["phase", "cycle", "kind", "percent", "level"];
        Assert.Equal(
            expected["notifications"]!.AsArray().Select(n => Pick(n!, notificationFields) + (string)n!["at"]!),
            actual["notifications"]!.AsArray().Select(n => Pick(n!, notificationFields) + (string)n!["firedAt"]!)
        );
        Assert.Equal(
            expected["pauses"]!.AsArray().Select(p => $"{p!["from"]}/{p["to"]}/{p["status"]}"),
            actual["pauses"]!.AsArray().Select(p => $"{p!["from"]}/{p["to"]}/{p["reason"]}")
        );
        Assert.NotEmpty(actual["notifications"]!.AsArray());
        Assert.Equal(3, actual["phases"]!.AsArray().Count);
    }

    private static Instant Instant(string text) => InstantPattern.ExtendedIso.Parse(text).GetValueOrThrow();

    private static string Pick(JsonNode node, string[] fields) =>
        string.Join("|", fields.Select(f => node[f]?.ToJsonString() ?? "null")) + "|";
}

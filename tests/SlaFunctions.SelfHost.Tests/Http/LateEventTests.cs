using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests.Http;

/// <summary>
/// Late events (SPEC §2) on the polling backend, through the HTTP API to the webhook: what a late event makes untrue
/// is retracted and published once, and an event older than the tolerance is refused and changes nothing.
/// </summary>
public class LateEventTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    // Monday 2026-06-08 09:00 in New York; P1 of the sample policy: response in 60 business minutes.
    private static readonly Instant Monday9 = Instant.FromUtc(2026, 6, 8, 13, 0);

    [Fact]
    public async Task A_late_response_after_the_breach_makes_the_phase_met_and_retracts_the_breach_once()
    {
        using var receiver = new WebhookReceiver();
        await using var host = await StartAsync(receiver);
        var (sla, key) = await StartedAsync(host);
        await host.RunEngineUntilAsync(Monday9 + Duration.FromMinutes(65));
        await host.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync();
        var breach = Published(receiver).Single(n => (string?)n["kind"] == "breach");

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, $"{sla}/respond", key, At(58));
        await host.RunEngineUntilAsync(Monday9 + Duration.FromMinutes(70));
        await host.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync();
        await host.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync();

        Assert.Equal(200, status);
        Assert.Equal("met", (string?)body!["sla"]!["phases"]![0]!["state"]);
        var retractions = Published(receiver).Where(n => (string?)n["kind"] == "retraction").ToList();
        var retraction = Assert.Single(retractions);
        Assert.Equal((string?)breach["notificationId"], (string?)retraction["retracts"]);
        Assert.Equal(("response", 100m), ((string?)retraction["phase"], (decimal)retraction["percent"]!));
        var shown = (await host.SendAsync(HttpMethod.Get, sla, key)).Body!["notifications"]!.AsArray();
        Assert.Equal(
            [("warning", 50m, false), ("warning", 75m, false), ("warning", 90m, false), ("breach", 100m, true)],
            shown
                .Where(n => (string?)n!["phase"] == "response" && (string?)n["kind"] is "warning" or "breach")
                .Select(n => ((string)n!["kind"]!, (decimal)n["percent"]!, (bool)n["retracted"]!))
        );
        // The escalation at 110 % (14:06) never fires: the phase was met at 13:58.
        Assert.DoesNotContain(
            shown,
            n =>
                (string?)n!["kind"] == "escalation"
                && (decimal)n["percent"]! > 100m
                && (string?)n["phase"] == "response"
        );
        Assert.Equal(
            Published(receiver).Count,
            Published(receiver).Select(n => (string?)n["notificationId"]).Distinct().Count()
        );
    }

    [Fact]
    public async Task A_late_pause_before_a_warning_retracts_it_and_the_warning_fires_again_at_its_corrected_instant()
    {
        using var receiver = new WebhookReceiver();
        await using var host = await StartAsync(receiver);
        var (sla, key) = await StartedAsync(host);
        await host.RunEngineUntilAsync(Monday9 + Duration.FromMinutes(35));

        var pause = await host.SendAsync(HttpMethod.Post, $"{sla}/pause", key, At(25, "vendor"));
        await host.RunEngineUntilAsync(Monday9 + Duration.FromMinutes(40));
        var resume = await host.SendAsync(HttpMethod.Post, $"{sla}/resume", key, At(40, "vendor"));
        await host.RunEngineUntilAsync(Monday9 + Duration.FromMinutes(50));
        await host.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync();

        Assert.Equal((200, 200), (pause.Status, resume.Status));
        // Paused from 13:25 to 13:40: the 50 % instant moves from 13:30 to 13:45.
        Assert.Equal(
            [
                ("warning", "2026-06-08T13:30:00Z", "2026-06-08T13:30:00Z"),
                ("retraction", "2026-06-08T13:30:00Z", "2026-06-08T13:35:00Z"),
                ("warning", "2026-06-08T13:45:00Z", "2026-06-08T13:45:00Z"),
            ],
            Published(receiver)
                .Where(n => (string?)n["phase"] == "response" && (decimal)n["percent"]! == 50m)
                .OrderBy(n => (string?)n["firedAt"], StringComparer.Ordinal)
                .ThenBy(n => (string?)n["kind"], StringComparer.Ordinal)
                .Select(n => ((string)n["kind"]!, (string)n["dueAt"]!, (string)n["firedAt"]!))
        );
        Assert.Equal(
            3,
            await Count(
                host,
                "select count(*) from notifications where ticket_id = 'T-1' and phase = 'response' and percent = 50 and tenant_id = $1",
                sla
            )
        );
    }

    [Fact]
    public async Task A_late_event_older_than_the_tolerance_is_a_422_that_changes_nothing_and_is_audited()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday9);
        var (sla, key) = await StartedAsync(host);
        await host.RunEngineUntilAsync(Monday9 + Duration.FromMinutes(90));
        var before = (await host.SendAsync(HttpMethod.Get, sla, key)).Body!.ToJsonString();

        var (status, body, contentType) = await host.SendAsync(HttpMethod.Post, $"{sla}/respond", key, At(58));

        Assert.Equal((422, "application/problem+json"), (status, contentType));
        Assert.Equal(
            ("https://slafunctions.dev/problems/too-late", "at"),
            ((string?)body!["type"], (string?)body["field"])
        );
        Assert.Equal(before, (await host.SendAsync(HttpMethod.Get, sla, key)).Body!.ToJsonString());
        Assert.Equal(
            1,
            await Count(
                host,
                "select count(*) from audit_log where ticket_id = 'T-1' and action = 'too_late' and detail->'event'->>'type' = 'responded' and tenant_id = $1",
                sla
            )
        );

        // The tenant widens its tolerance: the same response is now accepted, and the breach retracted.
        var tenant = sla.Split('/')[3];
        var widened = await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/settings",
            key,
            """{ "lateEventToleranceMinutes": 60 }"""
        );
        var accepted = await host.SendAsync(HttpMethod.Post, $"{sla}/respond", key, At(58));
        Assert.Equal((200, 200), (widened.Status, accepted.Status));
        Assert.Equal("met", (string?)accepted.Body!["sla"]!["phases"]![0]!["state"]);
    }

    [Fact]
    public async Task A_too_late_event_sent_again_is_dead_lettered_again_but_audited_once()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday9);
        var (sla, key) = await StartedAsync(host);
        await host.RunEngineUntilAsync(Monday9 + Duration.FromMinutes(90));
        var tenant = sla.Split('/')[3];
        var late = Support.Events.Batch(
            Support.Events.Status(tenant, "late-1", "T-1", "2026-06-08T13:10:00Z", "awaiting_client")
        );

        var first = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/events", key, late);
        var again = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/events", key, late);

        foreach (var answer in new[] { first, again })
        {
            var result = answer.Body!["results"]![0]!;
            Assert.Equal("dead-lettered", (string?)result["status"]);
            Assert.StartsWith("TooLate: ", (string?)result["reason"], StringComparison.Ordinal);
        }

        Assert.Equal(
            1,
            await Count(
                host,
                "select count(*) from audit_log where ticket_id = 'T-1' and action = 'too_late' and tenant_id = $1",
                sla
            )
        );
    }

    private Task<ServiceHost> StartAsync(WebhookReceiver receiver) =>
        ServiceHost.StartAsync(
            database,
            Monday9,
            new Dictionary<string, string>
            {
                ["Sla:Webhooks:Url"] = receiver.Url.ToString(),
                ["Sla:Webhooks:Secret"] = "test-secret",
            }
        );

    private static async Task<(string Sla, string Key)> StartedAsync(ServiceHost host)
    {
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);
        var sla = $"/api/tenants/{tenant}/tickets/T-1/sla";
        var started = await host.SendAsync(
            HttpMethod.Post,
            sla,
            key,
            """{ "policyId": "standard", "priority": "P1" }"""
        );
        Assert.Equal(201, started.Status);
        return (sla, key);
    }

    /// <summary>A command's body dated <paramref name="minutes"/> after Monday 09:00.</summary>
    private static string At(int minutes, string? reason = null)
    {
        var body = new JsonObject { ["at"] = (Monday9 + Duration.FromMinutes(minutes)).ToString() };
        if (reason is not null)
        {
            body["reason"] = reason;
        }

        return body.ToJsonString();
    }

    private static List<JsonNode> Published(WebhookReceiver receiver) =>
        [.. receiver.Received.Select(r => JsonNode.Parse(r.Body)!)];

    private static async Task<long> Count(ServiceHost host, string sql, string sla)
    {
        await using var command = host.Database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = sla.Split('/')[3] });
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

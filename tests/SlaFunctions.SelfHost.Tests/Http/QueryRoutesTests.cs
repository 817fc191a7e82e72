using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using NodaTime;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests.Http;

/// <summary>
/// <c>GET …/slas</c> and <c>GET …/reports/compliance</c> over HTTP: pages, CSV, problems naming the parameter, tenant
/// keys.
/// </summary>
public class QueryRoutesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    // Monday 2026-06-08 09:00 in New York.
    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");

    [Fact]
    public async Task The_search_pages_with_its_cursor_and_the_report_answers_json_and_csv()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday9);
        var (tenant, key) = await SeedAsync(host);
        host.Clock.Reset(Monday9 + Duration.FromHours(2));

        var (status, first, type) = await host.SendAsync(
            HttpMethod.Get,
            $"/api/tenants/{tenant}/slas?state=running&limit=2",
            key
        );
        Assert.Equal(200, status);
        Assert.Equal("application/json", type);
        Assert.Equal(["T-3", "T-4"], Ids(first!));
        var (_, second, _) = await host.SendAsync(
            HttpMethod.Get,
            $"/api/tenants/{tenant}/slas?state=running&limit=2&cursor={(string)first!["next"]!}",
            key
        );
        Assert.Equal(["T-1", "T-2"], Ids(second!));
        Assert.Null(second!["next"]);
        var phase = first["items"]![0]!["phases"]![0]!;
        Assert.Equal("response", (string?)phase["phase"]);
        Assert.Equal("breached", (string?)phase["state"]);
        Assert.Equal("-PT1H", (string?)phase["remaining"]);

        var (_, breached, _) = await host.SendAsync(
            HttpMethod.Get,
            $"/api/tenants/{tenant}/slas?phase=response&state=breached&clientId=acme",
            key
        );
        Assert.Equal(["T-3"], Ids(breached!));

        var report =
            $"/api/tenants/{tenant}/reports/compliance?from=2026-06-08&to=2026-06-09&zone=America/New_York&groupBy=phase";
        var (reportStatus, json, _) = await host.SendAsync(HttpMethod.Get, report, key);
        Assert.Equal(200, reportStatus);
        var response = json!["groups"]!.AsArray().Single(g => (string?)g!["phase"] == "response")!;
        Assert.Equal(1, (int)response["met"]!);
        Assert.Equal(2, (int)response["breached"]!);
        Assert.Equal(2, (int)response["running"]!);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(report, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Accept.ParseAdd("text/csv");
        using var csv = await host.Http.SendAsync(request);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            "phase,met,breached,cancelled,running,achievementRate,elapsedP50Seconds,elapsedP90Seconds,overTargetSeconds",
            lines[0]
        );
        Assert.Contains("response,1,2,0,2,0.3333,2400,2400,0", lines);
    }

    [Theory]
    [InlineData("slas?limit=0", "limit")]
    [InlineData("slas?limit=501", "limit")]
    [InlineData("slas?state=late", "state")]
    [InlineData("slas?phase=both", "phase")]
    [InlineData("slas?breachesWithin=1h", "breachesWithin")]
    [InlineData("slas?remainingBelow=P1M", "remainingBelow")]
    [InlineData("slas?dueBefore=tomorrow", "dueBefore")]
    [InlineData("slas?dueAfter=2026-06-09T00:00:00Z&dueBefore=2026-06-08T00:00:00Z", "dueBefore")]
    [InlineData("slas?everBreached=yes", "everBreached")]
    [InlineData("slas?sort=priority", "sort")]
    [InlineData("slas?cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("slas?limit=5&limit=6", "limit")]
    [InlineData("slas?ticket=T-1", "ticket")]
    [InlineData("reports/compliance?to=2026-06-09", "from")]
    [InlineData("reports/compliance?from=2026-06-09&to=2026-06-08", "to")]
    [InlineData("reports/compliance?from=2026-06-08&to=2026-06-09&zone=Mars/Olympus", "zone")]
    [InlineData("reports/compliance?from=2026-06-08&to=2026-06-09&groupBy=team", "groupBy")]
    public async Task A_bad_parameter_is_a_problem_naming_it(string route, string field)
    {
        await using var host = await ServiceHost.StartAsync(database, Monday9);
        var (tenant, key) = await host.NewTenantAsync();

        var (status, problem, type) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/{route}", key);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(field, (string?)problem!["field"]);
    }

    [Fact]
    public async Task A_cursor_of_another_sort_is_refused_and_another_tenants_key_is_forbidden()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday9);
        var (tenant, key) = await SeedAsync(host);
        var (other, otherKey) = await host.NewTenantAsync();
        var (_, page, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/slas?limit=1", key);

        var (status, problem, _) = await host.SendAsync(
            HttpMethod.Get,
            $"/api/tenants/{tenant}/slas?limit=1&sort=createdAt&cursor={(string)page!["next"]!}",
            key
        );
        var (forbidden, _, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/slas", otherKey);
        var (reportForbidden, _, _) = await host.SendAsync(
            HttpMethod.Get,
            $"/api/tenants/{tenant}/reports/compliance?from=2026-06-08&to=2026-06-09",
            otherKey
        );
        var (_, empty, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{other}/slas", otherKey);

        Assert.Equal(400, status);
        Assert.Equal("cursor", (string?)problem!["field"]);
        Assert.Equal(403, forbidden);
        Assert.Equal(403, reportForbidden);
        Assert.Empty(empty!["items"]!.AsArray());
    }

    [Fact]
    public async Task The_openapi_document_lists_both_routes_with_their_parameters()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday9);

        var (_, doc, _) = await host.SendAsync(HttpMethod.Get, "/openapi/v1.json", null);

        var search = doc!["paths"]!["/api/tenants/{tenant}/slas"]!["get"]!["parameters"]!
            .AsArray()
            .Select(p => (string?)p!["name"])
            .ToList();
        var report = doc["paths"]!["/api/tenants/{tenant}/reports/compliance"]!["get"]!["parameters"]!
            .AsArray()
            .Select(p => (string?)p!["name"])
            .ToList();
        Assert.Superset(new HashSet<string?>(Core.Api.SlaApi.SearchParameters), search.ToHashSet());
        Assert.Superset(new HashSet<string?>(Core.Api.SlaApi.ComplianceParameters), report.ToHashSet());
    }

    /// <summary>
    /// Started on Monday: T-1 (P2) at 09:00, due 13:00; T-2 (P1) at 09:00, replied at 09:40 (met); T-3 (P1, client
    /// acme)
    /// at 09:00 and T-4 (P1) at 09:20, no reply: their responses breach at 10:00 and 10:20.
    /// </summary>
    private static async Task<(string Tenant, string Key)> SeedAsync(ServiceHost host)
    {
        var (tenant, key) = await host.NewTenantAsync();
        var root = $"/api/tenants/{tenant}";
        Assert.Equal(
            200,
            (await host.SendAsync(HttpMethod.Put, $"{root}/calendars/ny", key, SlaHarness.NewYorkWeekdays)).Status
        );
        Assert.Equal(
            200,
            (await host.SendAsync(HttpMethod.Put, $"{root}/policies/standard", key, SlaHarness.Standard)).Status
        );
        (string Ticket, string Priority, int Minute)[] starts =
        [
            ("T-1", "P2", 0),
            ("T-2", "P1", 0),
            ("T-3", "P1", 0),
            ("T-4", "P1", 20),
        ];
        foreach (var (ticket, priority, minute) in starts)
        {
            host.Clock.Reset(Monday9 + Duration.FromMinutes(minute));
            var client = ticket == "T-3" ? "acme" : "globex";
            Assert.Equal(
                201,
                (
                    await host.SendAsync(
                        HttpMethod.Post,
                        $"{root}/tickets/{ticket}/sla",
                        key,
                        $$"""{ "policyId": "standard", "priority": "{{priority}}", "clientId": "{{client}}", "boardId": "b1" }"""
                    )
                ).Status
            );
        }

        host.Clock.Reset(Monday9 + Duration.FromMinutes(40));
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Post, $"{root}/tickets/T-2/sla/respond", key, "{}")).Status);
        return (tenant, key);
    }

    private static List<string?> Ids(JsonNode page) =>
        [.. page["items"]!.AsArray().Select(i => (string?)i!["ticketId"])];
}

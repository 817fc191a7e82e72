using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using NodaTime;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests.Http;

/// <summary>
/// The timeline picture over HTTP: the stored SLA drawn as of the request, and POST /api/simulate for Accept:
/// image/svg+xml.
/// </summary>
public class TimelineTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly XNamespace Sla = "urn:slafunctions:timeline";
    private static readonly Instant Created = Instant.FromUtc(2026, 6, 8, 13, 0); // Monday 09:00 New York

    [Fact]
    public async Task The_timeline_of_a_stored_sla_shows_what_its_status_says_as_of_the_request()
    {
        await using var host = await ServiceHost.StartAsync(database, Created);
        var (tenant, key) = await host.NewTenantAsync();
        var sla = await StartTicketAsync(host, tenant, key, "T-1");
        await host.RunEngineUntilAsync(Created + Duration.FromMinutes(20), inclusive: false);
        Assert.Equal(
            200,
            (
                await host.SendAsync(
                    HttpMethod.Post,
                    $"{sla}/pause",
                    key,
                    $$"""{ "at": "{{Created + Duration.FromMinutes(20)}}", "reason": "awaiting_client" }"""
                )
            ).Status
        );
        await host.RunEngineUntilAsync(Created + Duration.FromMinutes(50), inclusive: false);
        Assert.Equal(
            200,
            (
                await host.SendAsync(
                    HttpMethod.Post,
                    $"{sla}/resume",
                    key,
                    $$"""{ "at": "{{Created + Duration.FromMinutes(50)}}", "reason": "awaiting_client" }"""
                )
            ).Status
        );
        await host.RunEngineUntilAsync(Created + Duration.FromHours(3));

        var (_, status, _) = await host.SendAsync(HttpMethod.Get, sla, key);
        var (code, contentType, text) = await GetAsync(host, $"{sla}/timeline.svg", key);

        Assert.Equal(200, code);
        Assert.Equal("image/svg+xml", contentType);
        var svg = XDocument.Parse(text).Root!;
        Assert.Equal(Svg + "svg", svg.Name);
        Assert.Equal(
            status!["phases"]!.AsArray().Select(p => $"{p!["phase"]}/{p["cycle"]}/{p["state"]}").Order(),
            OfClass(svg, "lane")
                .Select(l =>
                    $"{l.Attribute(Sla + "phase")!.Value}/{l.Attribute(Sla + "cycle")!.Value}/{l.Attribute(Sla + "outcome")!.Value}"
                )
                .Order()
        );
        Assert.Equal(
            status["notifications"]!.AsArray().Select(n => $"{n!["kind"]}@{n["firedAt"]}").Order(),
            OfClass(svg, "mark")
                .Select(m => $"{m.Attribute(Sla + "kind")!.Value}@{m.Attribute(Sla + "at")!.Value}")
                .Order()
        );
        Assert.NotEmpty(OfClass(svg, "mark"));
        var pause = Assert.Single(OfClass(svg, "pause"));
        Assert.Equal("awaiting_client", pause.Attribute(Sla + "reason")!.Value);
        Assert.Equal((string?)status["pauses"]![0]!["from"], pause.Attribute(Sla + "from")!.Value);
        Assert.Equal(
            status["phases"]!.AsArray().Select(p => (string?)p!["dueAt"]).OfType<string>().Order(),
            OfClass(svg, "due").Select(d => d.Attribute(Sla + "at")!.Value).Order()
        );
        Assert.Equal((string?)status["asOf"], Assert.Single(OfClass(svg, "as-of")).Attribute(Sla + "at")!.Value);
    }

    [Fact]
    public async Task The_timeline_needs_the_tenants_key_and_an_sla_and_answers_problems_as_json()
    {
        await using var host = await ServiceHost.StartAsync(database, Created);
        var (tenant, key) = await host.NewTenantAsync();
        var (_, otherKey) = await host.NewTenantAsync();
        var sla = await StartTicketAsync(host, tenant, key, "T-2");

        var (none, noneType, _) = await GetAsync(host, $"{sla}/timeline.svg", null);
        var (other, otherType, _) = await GetAsync(host, $"{sla}/timeline.svg", otherKey);
        var (missing, missingType, missingBody) = await GetAsync(
            host,
            $"/api/tenants/{tenant}/tickets/T-404/sla/timeline.svg",
            key
        );

        Assert.Equal((401, "application/problem+json"), (none, noneType));
        Assert.Equal((403, "application/problem+json"), (other, otherType));
        Assert.Equal((404, "application/problem+json"), (missing, missingType));
        Assert.Equal("ticket", (string?)JsonNode.Parse(missingBody)!["field"]);
    }

    [Fact]
    public async Task Post_simulate_answers_the_picture_for_accept_svg_and_json_otherwise()
    {
        await using var host = await ServiceHost.StartAsync(database, Created);
        var scenario = File.ReadAllText(Repo.Path("samples/spec-example.json"));

        var (code, contentType, text) = await PostSimulateAsync(host, scenario, "image/svg+xml");
        var (jsonCode, jsonType, json) = await PostSimulateAsync(host, scenario, null);
        var (badCode, badType, _) = await PostSimulateAsync(
            host,
            scenario.Replace("\"until\"", "\"untill\"", StringComparison.Ordinal),
            "image/svg+xml"
        );

        Assert.Equal((200, "image/svg+xml"), (code, contentType));
        Assert.Equal(7, OfClass(XDocument.Parse(text).Root!, "mark").Count);
        Assert.Equal((200, "application/json"), (jsonCode, jsonType));
        Assert.Equal(3, JsonNode.Parse(json)!["phases"]!.AsArray().Count);
        Assert.Equal((400, "application/problem+json"), (badCode, badType));
    }

    [Fact]
    public async Task The_openapi_document_lists_the_timeline_route_and_the_svg_content_types()
    {
        await using var host = await ServiceHost.StartAsync(database, Created);

        var (_, doc, _) = await host.SendAsync(HttpMethod.Get, "/openapi/v1.json", null);

        var timeline = doc!["paths"]!["/api/tenants/{tenant}/tickets/{ticket}/sla/timeline.svg"]!["get"]!;
        Assert.True(
            timeline["responses"]?["200"]?["content"]?["image/svg+xml"] is not null,
            timeline.ToJsonString() + doc["paths"]!["/api/simulate"]!.ToJsonString()
        );
        var simulate = doc["paths"]!["/api/simulate"]!["post"]!["responses"]!["200"]!["content"]!;
        Assert.NotNull(simulate["application/json"]);
        Assert.NotNull(simulate["image/svg+xml"]);
    }

    private static List<XElement> OfClass(XElement svg, string className) =>
        [.. svg.Descendants().Where(e => (string?)e.Attribute("class") == className)];

    private static async Task<string> StartTicketAsync(ServiceHost host, string tenant, string key, string ticket)
    {
        var sample = JsonNode.Parse(File.ReadAllText(Repo.Path("samples/weekday-ticket.json")))!;
        Assert.Equal(
            200,
            (
                await host.SendAsync(
                    HttpMethod.Put,
                    $"/api/tenants/{tenant}/calendars/ny",
                    key,
                    sample["calendars"]!["ny"]!.ToJsonString()
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
                    sample["policy"]!.ToJsonString()
                )
            ).Status
        );
        var sla = $"/api/tenants/{tenant}/tickets/{ticket}/sla";
        Assert.Equal(
            201,
            (await host.SendAsync(HttpMethod.Post, sla, key, """{ "policyId": "standard", "priority": "P1" }""")).Status
        );
        return sla;
    }

    private static async Task<(int Status, string? ContentType, string Body)> GetAsync(
        ServiceHost host,
        string path,
        string? key
    )
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await host.Http.SendAsync(request);
        return (
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync()
        );
    }

    private static async Task<(int Status, string? ContentType, string Body)> PostSimulateAsync(
        ServiceHost host,
        string scenario,
        string? accept
    )
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/simulate", UriKind.Relative))
        {
            Content = new StringContent(scenario, Encoding.UTF8, "application/json"),
        };
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await host.Http.SendAsync(request);
        return (
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync()
        );
    }
}

using System.Text.Json.Nodes;
using NodaTime;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.SelfHost.Tests.Http;

/// <summary>
/// Bad requests of every kind, on every route: each gets a 4xx problem+json naming the field at fault, never
/// a 5xx, and the database is exactly as it was.
/// </summary>
public class BadInputTests(BadInputTests.Fixture fixture) : IClassFixture<BadInputTests.Fixture>
{
    private static readonly string Scenario = File.ReadAllText(Repo.Path("samples/spec-example.json"));
    private static readonly string Calendar = JsonNode.Parse(Scenario)!["calendars"]!["ny"]!.ToJsonString();
    private static readonly string Policy = JsonNode.Parse(Scenario)!["policy"]!.ToJsonString();

    public static TheoryData<BadRequest> Cases()
    {
        var cases = new List<BadRequest>();
        string[] tenantRoutes =
        [
            "PUT /api/tenants/{A}/calendars/ny",
            "PUT /api/tenants/{A}/policies/standard",
            "PUT /api/tenants/{A}/assignments/clients/acme",
            "PUT /api/tenants/{A}/assignments/boards/helpdesk",
            "PUT /api/tenants/{A}/default-policy",
            "GET /api/tenants/{A}/settings",
            "PUT /api/tenants/{A}/settings",
            "POST /api/tenants/{A}/tickets/T-9/sla",
            "POST /api/tenants/{A}/tickets/T-1/sla/respond",
            "GET /api/tenants/{A}/tickets/T-1/sla",
            "POST /api/tenants/{A}/events",
            "GET /api/tenants/{A}/dead-letters",
            "POST /api/tenants/{A}/rollouts",
            "GET /api/tenants/{A}/rollouts/0193a6d2-0000-7000-8000-000000000000",
            "POST /api/tenants/{A}/rollouts/0193a6d2-0000-7000-8000-000000000000/cancel",
        ];
        foreach (var route in tenantRoutes)
        {
            cases.Add(new($"{route}: no key", route, Key.None, "{}", 401, "Authorization"));
            cases.Add(new($"{route}: not a bearer key", route, Key.Basic, "{}", 401, "Authorization"));
            cases.Add(new($"{route}: unknown key", route, Key.Unknown, "{}", 401, "Authorization"));
            cases.Add(new($"{route}: another tenant's key", route, Key.OtherTenant, "{}", 403, "tenant"));
        }

        string[] bodyRoutes =
        [
            "PUT /api/tenants/{A}/calendars/ny",
            "PUT /api/tenants/{A}/policies/standard",
            "PUT /api/tenants/{A}/assignments/clients/acme",
            "PUT /api/tenants/{A}/default-policy",
            "PUT /api/tenants/{A}/settings",
            "POST /api/tenants/{A}/tickets/T-9/sla",
            "POST /api/tenants/{A}/tickets/T-1/sla/pause",
            "POST /api/tenants/{A}/tickets/T-1/sla/priority",
            "POST /api/tenants/{A}/events",
            "POST /api/tenants/{A}/rollouts",
            "POST /api/simulate",
        ];
        foreach (var route in bodyRoutes)
        {
            cases.Add(new($"{route}: truncated JSON", route, Key.Own, "{\"a\": ", 400, "$"));
            cases.Add(new($"{route}: not JSON", route, Key.Own, "hello", 400, "$"));
            cases.Add(
                new(
                    $"{route}: wrong root type",
                    route,
                    Key.Own,
                    route.EndsWith("events", StringComparison.Ordinal) ? "{}" : "[1]",
                    400,
                    "$"
                )
            );
            cases.Add(new($"{route}: text content type", route, Key.Own, "{}", 415, "Content-Type", "text/plain"));
            cases.Add(
                new($"{route}: oversized body", route, Key.Own, "[" + new string(' ', 1_100_000) + "]", 413, "body")
            );
            if (!route.EndsWith("events", StringComparison.Ordinal))
            {
                cases.Add(new($"{route}: unpaired surrogate", route, Key.Own, "{ \"p\": \"a\\ud800\" }", 400, "$.p"));
                cases.Add(new($"{route}: unpaired surrogate in a key", route, Key.Own, "{ \"\\udc00\": 1 }", 400, "$"));
            }
        }

        AddBodyCases(
            cases,
            "PUT /api/tenants/{A}/calendars/ny",
            Calendar,
            "$",
            [
                ("timeZone=\"Mars/Olympus\"", "$.timeZone"),
                ("timeZone=42", "$.timeZone"),
                ("hours[0].start=\"9am\"", "$.hours[0].start"),
                ("hours[0].end=\"24:30\"", "$.hours[0].end"),
                ("hours[0].end=\"09:00\"", "$.hours[0].end"),
                ("hours[0].day=\"Someday\"", "$.hours[0].day"),
                ("hours[1]={\"day\":\"Monday\",\"start\":\"12:00\",\"end\":\"13:00\"}", "$.hours[1]"),
                ("hours=[]", "$.hours"),
                ("hours=-", "$.hours"),
                ("holidays[0].date=\"2026-13-01\"", "$.holidays[0].date"),
                ("holidays[0].date=\"0001-01-01\"", "$.holidays[0].date"),
                ("holidays[0].date=\"9999-12-31\"", "$.holidays[0].date"),
                ("holidays[0].recurring=1", "$.holidays[0].recurring"),
                ("color=\"blue\"", "$.color"),
            ]
        );
        AddBodyCases(
            cases,
            "PUT /api/tenants/{A}/policies/standard",
            Policy,
            "$",
            [
                ("calendar=\"mars\"", "$.calendar"),
                ("calendar=-", "$.calendar"),
                ("targets={}", "$.targets"),
                ("targets.P1.responseMinutes=0", "$.targets.P1.responseMinutes"),
                ("targets.P1.responseMinutes=-60", "$.targets.P1.responseMinutes"),
                ("targets.P1.resolutionMinutes=\"480\"", "$.targets.P1.resolutionMinutes"),
                ("targets.P1.escalations[1]=50", "$.targets.P1.escalations[1]"),
                ("thresholds[0]=0", "$.thresholds[0]"),
                ("thresholds[0]=1001", "$.thresholds[0]"),
                ("thresholds[1]=50", "$.thresholds[1]"),
                ("pauseStatuses[0]=\"\"", "$.pauseStatuses[0]"),
                ("targets.P1.slaMinutes=5", "$.targets.P1.slaMinutes"),
            ]
        );
        AddBodyCases(
            cases,
            "POST /api/tenants/{A}/tickets/T-9/sla",
            """{ "policyId": "standard", "priority": "P1" }""",
            "$",
            [
                ("priority=-", "$.priority"),
                ("priority=\"P9\"", "priority"),
                ("priority=1", "$.priority"),
                ("policyId=\"gold\"", "policyId"),
                ("createdAt=\"yesterday\"", "$.createdAt"),
                ("createdAt=\"2030-01-01T00:00:00Z\"", "createdAt"),
                ("correlationKeys=\"k\"", "$.correlationKeys"),
                ("correlationKeys=[\"\"]", "$.correlationKeys[0]"),
                ("idempotencyKey=7", "$.idempotencyKey"),
                ("ticketType=\"incident\"", "$.ticketType"),
                ("createdAt=\"0001-01-01T00:00:00Z\"", "$.createdAt"),
                ("createdAt=\"1899-12-31T23:59:59Z\"", "$.createdAt"),
                ("createdAt=\"9999-12-31T23:59:59Z\"", "$.createdAt"),
                ("priority=\"P1\\\\ud800\"", "$.priority"),
            ]
        );
        AddBodyCases(
            cases,
            "POST /api/tenants/{A}/tickets/T-1/sla/pause",
            """{ "reason": "vendor" }""",
            "$",
            [
                ("reason=-", "$.reason"),
                ("reason=\"\"", "$.reason"),
                ("reason=[]", "$.reason"),
                ("at=\"now\"", "$.at"),
                ("at=\"2030-01-01T00:00:00Z\"", "at"),
                ("at=\"2020-01-01T00:00:00Z\"", "at"),
                ("at=\"2026-06-08T13:00:00\"", "$.at"),
                ("priority=\"P1\"", "$.priority"),
                ("at=\"0001-01-01T00:00:00Z\"", "$.at"),
                ("at=\"9000-01-01T00:00:00Z\"", "$.at"),
                ("reason=\"\\\\udfff\"", "$.reason"),
            ]
        );
        AddBodyCases(
            cases,
            "POST /api/tenants/{A}/tickets/T-1/sla/priority",
            """{ "priority": "P2" }""",
            "$",
            [
                ("priority=\"P7\"", "priority"),
                ("priority=-", "$.priority"),
                ("priority=null", "$.priority"),
                ("reason=\"x\"", "$.reason"),
            ]
        );
        AddBodyCases(
            cases,
            "PUT /api/tenants/{A}/assignments/clients/acme",
            """{ "policyId": "standard" }""",
            "$",
            [
                ("policyId=\"gold\"", "policyId"),
                ("policyId=-", "$.policyId"),
                ("policyId=3", "$.policyId"),
                ("policy=\"standard\"", "$.policy"),
            ]
        );
        AddBodyCases(
            cases,
            "POST /api/tenants/{A}/rollouts",
            """{ "policyId": "standard", "version": 1, "dryRun": true }""",
            "$",
            [
                ("policyId=-", "$.policyId"),
                ("policyId=\"gold\"", "$.policyId"),
                ("version=0", "$.version"),
                ("version=\"1\"", "$.version"),
                ("version=99", "$.version"),
                ("dryRun=\"yes\"", "$.dryRun"),
                ("calendarId=\"ny\"", "$.policyId"),
                ("dryRun=-", "$.dryRun"),
                ("effectiveAt=\"2020-01-01T00:00:00Z\"", "$.effectiveAt"),
                ("effectiveAt=\"soon\"", "$.effectiveAt"),
                ("filter={\"colour\":[\"red\"]}", "$.filter.colour"),
                ("filter={\"priority\":\"P1\"}", "$.filter.priority"),
                ("filter={\"state\":[\"met\"]}", "$.filter.state[0]"),
                ("limit=0", "$.limit"),
                ("limit=501", "$.limit"),
                ("apply=true", "$.apply"),
            ]
        );
        AddBodyCases(
            cases,
            "PUT /api/tenants/{A}/default-policy",
            """{ "policyId": "standard" }""",
            "$",
            [("policyId=\"gold\"", "policyId"), ("policyId=true", "$.policyId")]
        );
        AddBodyCases(
            cases,
            "PUT /api/tenants/{A}/settings",
            """{ "lateEventToleranceMinutes": 30 }""",
            "$",
            [
                ("lateEventToleranceMinutes=-1", "$.lateEventToleranceMinutes"),
                ("lateEventToleranceMinutes=10081", "$.lateEventToleranceMinutes"),
                ("lateEventToleranceMinutes=1.5", "$.lateEventToleranceMinutes"),
                ("lateEventToleranceMinutes=\"30\"", "$.lateEventToleranceMinutes"),
                ("lateEventToleranceMinutes=null", "$.lateEventToleranceMinutes"),
                ("lateEventToleranceMinutes=-", "$.lateEventToleranceMinutes"),
                ("lateEventToleranceSeconds=60", "$.lateEventToleranceSeconds"),
            ]
        );
        AddBodyCases(cases, "POST /api/tenants/{A}/events", "[]", "$", [("=[]", "$")]);
        cases.AddRange([
            new(
                "calendar: a key twice",
                "PUT /api/tenants/{A}/calendars/ny",
                Key.Own,
                "{ \"timeZone\": \"UTC\", " + Calendar.TrimStart()[1..],
                400,
                "$.timeZone"
            ),
            new(
                "policy: a key twice",
                "PUT /api/tenants/{A}/policies/standard",
                Key.Own,
                "{ \"calendar\": \"ny\", " + Policy.TrimStart()[1..],
                400,
                "$.calendar"
            ),
            new(
                "start: a key twice",
                "POST /api/tenants/{A}/tickets/T-9/sla",
                Key.Own,
                """{ "policyId": "standard", "priority": "P1", "priority": "P2" }""",
                400,
                "$.priority"
            ),
            new(
                "pause: a key twice",
                "POST /api/tenants/{A}/tickets/T-1/sla/pause",
                Key.Own,
                """{ "reason": "vendor", "reason": "client" }""",
                400,
                "$.reason"
            ),
            new(
                "simulate: a key twice",
                "POST /api/simulate",
                Key.None,
                "{ \"until\": \"2026-03-12T00:00:00Z\", " + Scenario.TrimStart()[1..],
                400,
                "$.until"
            ),
        ]);
        cases.Add(
            new(
                "events: more than 500",
                "POST /api/tenants/{A}/events",
                Key.Own,
                "[" + string.Join(",", Enumerable.Repeat("{}", 501)) + "]",
                400,
                "$"
            )
        );

        foreach (
            var (name, edit, path) in BadScenarios
                .Cases()
                .Select(row => ((string)row[0], (string)row[1], (string)row[2]))
        )
        {
            cases.Add(
                new($"simulate: {name}", "POST /api/simulate", Key.None, BadScenarios.Edit(Scenario, edit), 400, path)
            );
        }

        cases.AddRange([
            new("unknown command", "POST /api/tenants/{A}/tickets/T-1/sla/escalate", Key.Own, "{}", 404, "command"),
            new(
                "command on a ticket without an SLA",
                "POST /api/tenants/{A}/tickets/T-404/sla/respond",
                Key.Own,
                "{}",
                404,
                "ticket"
            ),
            new(
                "status of a ticket without an SLA",
                "GET /api/tenants/{A}/tickets/T-404/sla",
                Key.Own,
                null,
                404,
                "ticket"
            ),
            new(
                "SQL injection in a ticket id",
                "GET /api/tenants/{A}/tickets/1'%20OR%20'1'%3D'1/sla",
                Key.Own,
                null,
                400,
                "ticket"
            ),
            new(
                "SQL injection in a command's ticket id",
                "POST /api/tenants/{A}/tickets/x');%20drop%20table%20ticket_slas;--/sla/respond",
                Key.Own,
                "{}",
                400,
                "ticket"
            ),
            new(
                "SQL injection in a tenant id",
                "GET /api/tenants/a'%3B%20delete%20from%20tenants%3B--/tickets/T-1/sla",
                Key.Own,
                null,
                403,
                "tenant"
            ),
            new(
                "JSON injection in a ticket id",
                "GET /api/tenants/{A}/tickets/%22%7D%5D%2C%22x%22%3A%7B/sla",
                Key.Own,
                null,
                400,
                "ticket"
            ),
            new("escaped slash in a ticket id", "GET /api/tenants/{A}/tickets/a%2Fb/sla", Key.Own, null, 400, "ticket"),
            new(
                "escaped slash in a started ticket id",
                "POST /api/tenants/{A}/tickets/a%2Fb/sla",
                Key.Own,
                """{ "priority": "P1", "policyId": "standard" }""",
                400,
                "ticket"
            ),
            new(
                "space in a started ticket id",
                "POST /api/tenants/{A}/tickets/T%201/sla",
                Key.Own,
                """{ "priority": "P1", "policyId": "standard" }""",
                400,
                "ticket"
            ),
            new(
                "non-ASCII ticket id",
                "POST /api/tenants/{A}/tickets/T-%C3%A9/sla",
                Key.Own,
                """{ "priority": "P1", "policyId": "standard" }""",
                400,
                "ticket"
            ),
            new(
                "control character in a ticket id",
                "POST /api/tenants/{A}/tickets/T%01X/sla",
                Key.Own,
                """{ "priority": "P1", "policyId": "standard" }""",
                400,
                "ticket"
            ),
            new(
                "too long a ticket id",
                $"POST /api/tenants/{{A}}/tickets/{new string('x', 201)}/sla",
                Key.Own,
                """{ "priority": "P1", "policyId": "standard" }""",
                400,
                "ticket"
            ),
            new(
                "too long a calendar id",
                $"PUT /api/tenants/{{A}}/calendars/{new string('c', 201)}",
                Key.Own,
                Calendar,
                400,
                "calendarId"
            ),
            new(
                "control character in a policy id",
                "PUT /api/tenants/{A}/policies/p%0A1",
                Key.Own,
                Policy,
                400,
                "policyId"
            ),
            new(
                "idempotency keys that disagree",
                "POST /api/tenants/{A}/tickets/T-1/sla/respond",
                Key.Own,
                """{ "idempotencyKey": "a" }""",
                400,
                "$.idempotencyKey",
                Headers: new() { ["Idempotency-Key"] = "b" }
            ),
            new(
                "dead-letters after a negative id",
                "GET /api/tenants/{A}/dead-letters?after=-1",
                Key.Own,
                null,
                400,
                "after"
            ),
            new(
                "dead-letters after a word",
                "GET /api/tenants/{A}/dead-letters?after=abc",
                Key.Own,
                null,
                400,
                "after"
            ),
            new("dead-letters limit 0", "GET /api/tenants/{A}/dead-letters?limit=0", Key.Own, null, 400, "limit"),
            new("dead-letters limit 1000", "GET /api/tenants/{A}/dead-letters?limit=1000", Key.Own, null, 400, "limit"),
        ]);
        var data = new TheoryData<BadRequest>();
        cases.ForEach(data.Add);
        return data;
    }

    [Fact]
    public void There_are_at_least_150_cases() => Assert.True(Cases().Count >= 150, $"{Cases().Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_request_gets_a_4xx_problem_naming_the_field_and_changes_nothing(BadRequest request)
    {
        var before = await fixture.DumpAsync();
        var (method, path) = (
            request.Route[..request.Route.IndexOf(' ', StringComparison.Ordinal)],
            request.Route[(request.Route.IndexOf(' ', StringComparison.Ordinal) + 1)..]
        );
        var key = request.Key switch
        {
            Key.Own => fixture.KeyA,
            Key.OtherTenant => fixture.KeyB,
            Key.Unknown => "sla_0123456789ab_" + new string('0', 64),
            _ => null,
        };
        var headers = new Dictionary<string, string>(request.Headers ?? []);
        if (request.Key == Key.Basic)
        {
            headers["Authorization"] = "Basic dXNlcjpwYXNz";
        }

        var (status, body, contentType) = await fixture.Host.SendAsync(
            new HttpMethod(method),
            path.Replace("{A}", fixture.TenantA, StringComparison.Ordinal),
            key,
            method == "GET" ? null : request.Body,
            request.ContentType ?? "application/json",
            headers
        );

        Assert.True(
            status == request.Status,
            $"{request.Name}: expected {request.Status}, got {status}: {body?.ToJsonString()}"
        );
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(request.Field, (string?)body!["field"]);
        Assert.StartsWith("https://slafunctions.dev/problems/", (string)body["type"]!, StringComparison.Ordinal);
        Assert.Equal(before, await fixture.DumpAsync());
    }

    private static void AddBodyCases(
        List<BadRequest> cases,
        string route,
        string valid,
        string root,
        (string Edit, string Field)[] edits
    )
    {
        foreach (var (edit, field) in edits)
        {
            var body = edit.StartsWith('=') ? edit[1..] : BadScenarios.Edit(valid, edit);
            cases.Add(new($"{route}: {edit}", route, Key.Own, body, 400, field == root ? "$" : field));
        }
    }

    public enum Key
    {
        None,
        Basic,
        Unknown,
        OtherTenant,
        Own,
    }

    public sealed record BadRequest(
        string Name,
        string Route,
        Key Key,
        string? Body,
        int Status,
        string? Field,
        string? ContentType = null,
        Dictionary<string, string>? Headers = null
    )
    {
        public override string ToString() => Name;
    }

    /// <summary>
    /// A running service with two tenants; tenant A has a calendar, a policy and a started ticket T-1.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly DatabaseFixture database = new();

        public ServiceHost Host { get; private set; } = null!;

        public string TenantA { get; private set; } = null!;

        public string KeyA { get; private set; } = null!;

        public string KeyB { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await database.InitializeAsync();
            Host = await ServiceHost.StartAsync(database, Instant.FromUtc(2026, 6, 8, 14, 0));
            (TenantA, KeyA) = await Host.NewTenantAsync();
            (_, KeyB) = await Host.NewTenantAsync();
            await Host.SendAsync(HttpMethod.Put, $"/api/tenants/{TenantA}/calendars/ny", KeyA, Calendar);
            await Host.SendAsync(HttpMethod.Put, $"/api/tenants/{TenantA}/policies/standard", KeyA, Policy);
            await Host.SendAsync(
                HttpMethod.Post,
                $"/api/tenants/{TenantA}/tickets/T-1/sla",
                KeyA,
                """{ "policyId": "standard", "priority": "P1", "createdAt": "2026-06-08T13:00:00Z" }"""
            );
        }

        /// <summary>Every row of every table, as text.</summary>
        public async Task<string> DumpAsync()
        {
            await using var connection = await database.DataSource.OpenConnectionAsync();
            var tables = new List<string>();
            await using (
                var list = new Npgsql.NpgsqlCommand(
                    "select tablename from pg_tables where schemaname = 'public' order by tablename",
                    connection
                )
            )
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            var dump = new List<string>();
            foreach (var table in tables)
            {
                await using var select = new Npgsql.NpgsqlCommand(
                    $"select coalesce(string_agg(t::text, E'\\n' order by t::text), '') from {table} t",
                    connection
                );
                dump.Add($"{table}:\n{await select.ExecuteScalarAsync()}");
            }

            return string.Join("\n", dump);
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            await database.DisposeAsync();
        }
    }
}

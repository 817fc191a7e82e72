using System.Net.Http.Headers;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using NodaTime;
using NodaTime.Testing;
using SlaFunctions.Core.Service;
using SlaFunctions.FunctionApp.Tests.Support;
using SlaFunctions.FunctionApp.Triggers;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;

namespace SlaFunctions.FunctionApp.Tests.Http;

/// <summary>
/// The same requests, in the same order, to the self-host (in memory, its own database) and to the HTTP functions
/// (real <c>HttpRequest</c>s, their own database) on each backend setting: every answer has the same status,
/// content type, body and WWW-Authenticate header. Durable's client is a mock (the real engine is tested in
/// Engine/). Every step is sent to both; a few answers are compared on the polling setting only, because on the
/// durable one they are the backend's by design (docs/functions.md): a command answers with its prediction on the
/// stored snapshot, which only the orchestration moves on, and an event handed to its entity answers "accepted" with
/// a reason saying so.
/// </summary>
public class HttpParityTests
{
    // Monday 2026-06-08 10:00 in New York.
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 8, 14, 0);
    private static readonly string Scenario = File.ReadAllText(Repo.Path("samples/spec-example.json"));

    [Theory]
    [InlineData(SlaBackend.Polling)]
    [InlineData(SlaBackend.Durable)]
    public async Task Every_request_is_answered_exactly_as_the_self_host_answers_it(SlaBackend backend)
    {
        var selfHostDatabase = await DatabaseAsync();
        var appDatabase = await DatabaseAsync();
        await using var selfHost = await ServiceHost.StartAsync(selfHostDatabase, Now);
        var selfHostKeys = await TenantsAsync(selfHost.Services.GetRequiredService<TenantStore>());
        var clock = new FakeClock(Now);
        using var app = AppHost.Build(backend, appDatabase.ConnectionString, clock);
        var appKeys = await TenantsAsync(app.Services.GetRequiredService<TenantStore>());
        var routes = new FunctionRoutes(
            ActivatorUtilities.CreateInstance<HttpApiFunctions>(app.Services),
            DurableClient().Object
        );

        var differences = new List<string>();
        foreach (var step in Steps())
        {
            var expected = await SelfHostAsync(selfHost, step, selfHostKeys);
            var actual = await routes.SendAsync(
                step.Method,
                step.Path,
                Headers(step, appKeys),
                step.Body,
                step.Body is null ? null : step.ContentType
            );
            if (expected != actual && (backend == SlaBackend.Polling || !step.PollingOnly))
            {
                differences.Add($"{step.Name}:\n  self-host: {expected}\n  function:  {actual}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public void The_steps_cover_every_route_the_functions_declare()
    {
        var covered = Steps().Select(s => FunctionRoutes.Declared.Single(d => Matches(d, s))).ToHashSet();

        Assert.Equal(FunctionRoutes.Declared.Order(), covered.Order());
    }

    private static bool Matches(string declared, Step step)
    {
        var (method, template) = (
            declared[..declared.IndexOf(' ', StringComparison.Ordinal)],
            declared[(declared.IndexOf(' ', StringComparison.Ordinal) + 1)..]
        );
        var path = step.Path.Split('?')[0].TrimStart('/').Split('/');
        var parts = template.Split('/');
        return method == step.Method
            && path.Length == parts.Length
            && parts.Zip(path).All(p => p.First.StartsWith('{') || p.First == p.Second);
    }

    private static IEnumerable<Step> Steps()
    {
        const string T = "/api/tenants/acme";
        var policy = """{ "policyId": "standard" }""";
        string[] tenantRoutes =
        [
            $"PUT {T}/calendars/ny",
            $"PUT {T}/policies/standard",
            $"PUT {T}/assignments/clients/c1",
            $"PUT {T}/assignments/boards/b1",
            $"PUT {T}/default-policy",
            $"GET {T}/settings",
            $"PUT {T}/settings",
            $"POST {T}/tickets/T-1/sla",
            $"POST {T}/tickets/T-1/sla/respond",
            $"GET {T}/tickets/T-1/sla",
            $"POST {T}/events",
            $"GET {T}/dead-letters",
            $"GET {T}/tickets/T-1/sla/timeline.svg",
            $"GET {T}/slas",
            $"GET {T}/reports/compliance",
            $"GET {T}/dead-deliveries",
            $"POST {T}/dead-deliveries/redeliver",
            $"POST {T}/rollouts",
            $"GET {T}/rollouts/0193a6d2-0000-7000-8000-000000000000",
            $"POST {T}/rollouts/0193a6d2-0000-7000-8000-000000000000/cancel",
        ];
        foreach (var route in tenantRoutes)
        {
            foreach (var key in new[] { Key.None, Key.Basic, Key.Unknown, Key.Other })
            {
                yield return Step.Of(
                    $"{route}, key {key}",
                    route,
                    key,
                    route.StartsWith("GET", StringComparison.Ordinal) ? null : "{}"
                );
            }
        }

        yield return Step.Of("health", "GET /api/health", Key.None, null);
        yield return Step.Of("calendar", $"PUT {T}/calendars/ny", Key.Own, SlaHarness.NewYorkWeekdays);
        yield return Step.Of("calendar again", $"PUT {T}/calendars/ny", Key.Own, SlaHarness.NewYorkWeekdays);
        yield return Step.Of(
            "calendar, bad zone",
            $"PUT {T}/calendars/mars",
            Key.Own,
            """{ "timeZone": "Mars/Olympus", "is24x7": true }"""
        );
        yield return Step.Of("calendar, text body", $"PUT {T}/calendars/ny", Key.Own, "{}", contentType: "text/plain");
        yield return Step.Of("calendar, truncated JSON", $"PUT {T}/calendars/ny", Key.Own, "{\"a\": ");
        yield return Step.Of(
            "calendar, oversized",
            $"PUT {T}/calendars/ny",
            Key.Own,
            "[" + new string(' ', 1_100_000) + "]"
        );
        yield return Step.Of(
            "calendar, bad id",
            $"PUT {T}/calendars/{new string('c', 300)}",
            Key.Own,
            SlaHarness.NewYorkWeekdays
        );
        yield return Step.Of("policy", $"PUT {T}/policies/standard", Key.Own, SlaHarness.Standard);
        yield return Step.Of(
            "policy, unknown calendar",
            $"PUT {T}/policies/gold",
            Key.Own,
            SlaHarness.Standard.Replace("\"ny\"", "\"mars\"", StringComparison.Ordinal)
        );
        yield return Step.Of("client assignment", $"PUT {T}/assignments/clients/c1", Key.Own, policy);
        yield return Step.Of(
            "client assignment, unknown policy",
            $"PUT {T}/assignments/clients/c2",
            Key.Own,
            """{ "policyId": "gold" }"""
        );
        yield return Step.Of("board assignment", $"PUT {T}/assignments/boards/b1", Key.Own, policy);
        yield return Step.Of("default policy", $"PUT {T}/default-policy", Key.Own, policy);
        yield return Step.Of("default policy, wrong root", $"PUT {T}/default-policy", Key.Own, "[1]");
        yield return Step.Of("settings, the defaults", $"GET {T}/settings", Key.Own, null);
        yield return Step.Of("settings, set", $"PUT {T}/settings", Key.Own, """{ "lateEventToleranceMinutes": 30 }""");
        yield return Step.Of("settings, as set", $"GET {T}/settings", Key.Own, null);
        yield return Step.Of(
            "settings, out of range",
            $"PUT {T}/settings",
            Key.Own,
            """{ "lateEventToleranceMinutes": 10081 }"""
        );
        yield return Step.Of(
            "settings, unknown field",
            $"PUT {T}/settings",
            Key.Own,
            """{ "lateEventTolerance": "PT30M" }"""
        );
        yield return Step.Of(
            "start",
            $"POST {T}/tickets/T-1/sla",
            Key.Own,
            """{ "priority": "P1", "createdAt": "2026-06-08T13:00:00Z" }"""
        );
        yield return Step.Of(
            "start again",
            $"POST {T}/tickets/T-1/sla",
            Key.Own,
            """{ "priority": "P1", "createdAt": "2026-06-08T13:00:00Z" }"""
        );
        yield return Step.Of(
            "start by client",
            $"POST {T}/tickets/T-2/sla",
            Key.Own,
            """{ "priority": "P2", "clientId": "c1", "correlationKeys": ["crm-2"] }"""
        );
        yield return Step.Of("start, bad priority", $"POST {T}/tickets/T-3/sla", Key.Own, """{ "priority": "P9" }""");
        yield return Step.Of(
            "start, in the future",
            $"POST {T}/tickets/T-3/sla",
            Key.Own,
            """{ "priority": "P1", "createdAt": "2030-01-01T00:00:00Z" }"""
        );
        yield return Step.Of("status", $"GET {T}/tickets/T-1/sla", Key.Own, null);
        yield return Step.Of("status, no SLA", $"GET {T}/tickets/T-404/sla", Key.Own, null);
        yield return Step.Of(
            "events",
            $"POST {T}/events",
            Key.Own,
            pollingOnly: true,
            body: """
            [ { "eventId": "e-1", "eventType": "TICKET_STATUS_CHANGED", "tenantId": "acme", "occurredAt": "2026-06-08T13:30:00Z",
                "payload": { "ticketId": "T-1", "newStatus": "in_progress" } },
              { "eventId": "e-2", "eventType": "NO_SUCH_TYPE", "tenantId": "acme", "occurredAt": "2026-06-08T13:31:00Z", "payload": {} },
              { "eventId": "e-3", "eventType": "TICKET_STATUS_CHANGED", "tenantId": "other", "occurredAt": "2026-06-08T13:32:00Z",
                "payload": { "ticketId": "T-1", "newStatus": "in_progress" } } ]
            """
        );
        yield return Step.Of(
            "events, all rejected",
            $"POST {T}/events",
            Key.Own,
            """
            [ { "eventId": "e-4", "eventType": "NO_SUCH_TYPE", "tenantId": "acme", "occurredAt": "2026-06-08T13:31:00Z", "payload": {} },
              { "eventId": "e-5", "eventType": "TICKET_STATUS_CHANGED", "tenantId": "acme", "occurredAt": "2026-06-08T13:32:00Z", "payload": {} } ]
            """
        );
        yield return Step.Of(
            "events again",
            $"POST {T}/events",
            Key.Own,
            pollingOnly: true,
            body: """
            [ { "eventId": "e-1", "eventType": "TICKET_STATUS_CHANGED", "tenantId": "acme", "occurredAt": "2026-06-08T13:30:00Z",
                "payload": { "ticketId": "T-1", "newStatus": "in_progress" } } ]
            """
        );
        yield return Step.Of("events, not a batch", $"POST {T}/events", Key.Own, "{}");
        yield return Step.Of("events, empty batch", $"POST {T}/events", Key.Own, "[]");
        yield return Step.Of("dead letters", $"GET {T}/dead-letters", Key.Own, null);
        yield return Step.Of("dead letters, limit 1", $"GET {T}/dead-letters?limit=1", Key.Own, null);
        yield return Step.Of("dead letters, bad limit", $"GET {T}/dead-letters?limit=abc", Key.Own, null);
        yield return Step.Of("dead letters, bad cursor", $"GET {T}/dead-letters?after=zzz", Key.Own, null);
        // Each command on a ticket of its own, compared on both settings: on the durable one a command answers
        // with its prediction on the stored snapshot, which only the orchestration (not run here) moves on.
        (string Command, string Body)[] commands =
        [
            ("pause", """{ "reason": "vendor" }"""),
            ("resume", "{}"),
            ("respond", """{ "at": "2026-06-08T13:45:00Z" }"""),
            ("resolve", "{}"),
            ("reopen", "{}"),
            ("cancel", "{}"),
            ("priority", """{ "priority": "P2" }"""),
            ("status", """{ "status": "awaiting_client" }"""),
        ];
        foreach (var (command, body) in commands)
        {
            yield return Step.Of(
                $"start for {command}",
                $"POST {T}/tickets/C-{command}/sla",
                Key.Own,
                """{ "priority": "P1", "createdAt": "2026-06-08T13:30:00Z" }"""
            );
            yield return Step.Of(command, $"POST {T}/tickets/C-{command}/sla/{command}", Key.Own, body);
        }

        yield return Step.Of(
            "pause by key",
            $"POST {T}/tickets/T-1/sla/pause",
            Key.Own,
            """{ "reason": "vendor" }""",
            headers: new() { ["Idempotency-Key"] = "k-1" }
        );
        // Durable: a repeat while its delivery runs is the same delivery, predicted again on the stored snapshot.
        yield return Step.Of(
            "pause by key again",
            $"POST {T}/tickets/T-1/sla/pause",
            Key.Own,
            """{ "reason": "vendor" }""",
            headers: new() { ["Idempotency-Key"] = "k-1" },
            pollingOnly: true
        );
        yield return Step.Of(
            "pause, bad at",
            $"POST {T}/tickets/T-1/sla/pause",
            Key.Own,
            """{ "reason": "vendor", "at": "now" }"""
        );
        yield return Step.Of(
            "priority, unknown",
            $"POST {T}/tickets/T-1/sla/priority",
            Key.Own,
            """{ "priority": "P7" }"""
        );
        yield return Step.Of("no such command", $"POST {T}/tickets/T-1/sla/teleport", Key.Own, "{}");
        yield return Step.Of("command, no SLA", $"POST {T}/tickets/T-404/sla/respond", Key.Own, "{}");

        // One ticket through a chain of commands, and its status after them: the polling setting only.
        yield return Step.Of("status after pause", $"GET {T}/tickets/T-1/sla", Key.Own, null, pollingOnly: true);
        yield return Step.Of("resume", $"POST {T}/tickets/T-1/sla/resume", Key.Own, "{}", pollingOnly: true);
        yield return Step.Of(
            "respond after resume",
            $"POST {T}/tickets/T-1/sla/respond",
            Key.Own,
            "{}",
            pollingOnly: true
        );
        yield return Step.Of(
            "resolve after respond",
            $"POST {T}/tickets/T-1/sla/resolve",
            Key.Own,
            "{}",
            pollingOnly: true
        );
        yield return Step.Of(
            "reopen after resolve",
            $"POST {T}/tickets/T-1/sla/reopen",
            Key.Own,
            "{}",
            pollingOnly: true
        );
        yield return Step.Of("status after commands", $"GET {T}/tickets/T-1/sla", Key.Own, null, pollingOnly: true);
        yield return Step.Of("cancel", $"POST {T}/tickets/T-2/sla/cancel", Key.Own, "{}");

        // What the stored SLAs answer depends on the orchestration on the durable setting: there, only refusals.
        yield return Step.Of("timeline", $"GET {T}/tickets/T-1/sla/timeline.svg", Key.Own, null, pollingOnly: true);
        yield return Step.Of("timeline, no SLA", $"GET {T}/tickets/T-404/sla/timeline.svg", Key.Own, null);
        yield return Step.Of("search", $"GET {T}/slas", Key.Own, null, pollingOnly: true);
        yield return Step.Of(
            "search, a page of 2 by creation",
            $"GET {T}/slas?sort=createdAt&limit=2",
            Key.Own,
            null,
            pollingOnly: true
        );
        yield return Step.Of(
            "search, running responses",
            $"GET {T}/slas?phase=response&state=running",
            Key.Own,
            null,
            pollingOnly: true
        );
        yield return Step.Of("search, bad state", $"GET {T}/slas?state=asleep", Key.Own, null);
        yield return Step.Of("search, bad limit", $"GET {T}/slas?limit=100000", Key.Own, null);
        yield return Step.Of("search, bad cursor", $"GET {T}/slas?cursor=zzz", Key.Own, null);
        yield return Step.Of(
            "report",
            $"GET {T}/reports/compliance?from=2026-06-01&to=2026-07-01&groupBy=priority",
            Key.Own,
            null,
            pollingOnly: true
        );
        yield return Step.Of(
            "report as CSV",
            $"GET {T}/reports/compliance?from=2026-06-01&to=2026-07-01&groupBy=phase",
            Key.Own,
            null,
            headers: new() { ["Accept"] = "text/csv" },
            pollingOnly: true
        );
        yield return Step.Of(
            "report, bad zone",
            $"GET {T}/reports/compliance?from=2026-06-01&to=2026-07-01&zone=Mars/Olympus",
            Key.Own,
            null
        );
        yield return Step.Of(
            "report, bad group",
            $"GET {T}/reports/compliance?from=2026-06-01&to=2026-07-01&groupBy=colour",
            Key.Own,
            null
        );
        yield return Step.Of("dead deliveries", $"GET {T}/dead-deliveries", Key.Own, null);
        yield return Step.Of("dead deliveries, bad limit", $"GET {T}/dead-deliveries?limit=abc", Key.Own, null);
        yield return Step.Of("redeliver", $"POST {T}/dead-deliveries/redeliver", Key.Own, "{}");
        yield return Step.Of(
            "redeliver, bad body",
            $"POST {T}/dead-deliveries/redeliver",
            Key.Own,
            """{ "notificationIds": 7 }"""
        );
        yield return Step.Of(
            "rollout dry run",
            $"POST {T}/rollouts",
            Key.Own,
            """{ "policyId": "standard", "version": 1, "dryRun": true }""",
            pollingOnly: true
        );
        yield return Step.Of(
            "rollout dry run as CSV",
            $"POST {T}/rollouts",
            Key.Own,
            """{ "policyId": "standard", "version": 1, "dryRun": true, "limit": 2 }""",
            headers: new() { ["Accept"] = "text/csv" },
            pollingOnly: true
        );
        yield return Step.Of(
            "rollout, not a dry run, paged",
            $"POST {T}/rollouts",
            Key.Own,
            """{ "policyId": "standard", "version": 1, "dryRun": false, "limit": 5 }"""
        );
        yield return Step.Of(
            "an unknown rollout",
            $"GET {T}/rollouts/0193a6d2-0000-7000-8000-000000000000",
            Key.Own,
            null
        );
        yield return Step.Of("a rollout id that is not one", $"GET {T}/rollouts/R-1", Key.Own, null);
        yield return Step.Of(
            "cancelling an unknown rollout",
            $"POST {T}/rollouts/0193a6d2-0000-7000-8000-000000000000/cancel",
            Key.Own,
            null
        );
        yield return Step.Of("simulate", "POST /api/simulate", Key.None, Scenario);
        yield return Step.Of(
            "simulate as a picture",
            "POST /api/simulate",
            Key.None,
            Scenario,
            headers: new() { ["Accept"] = "image/svg+xml" }
        );
        yield return Step.Of("simulate, bad", "POST /api/simulate", Key.None, """{ "policy": 1 }""");
    }

    private static async Task<HttpAnswer> SelfHostAsync(ServiceHost host, Step step, Keys keys)
    {
        using var request = new HttpRequestMessage(new HttpMethod(step.Method), new Uri(step.Path, UriKind.Relative));
        foreach (var (name, value) in Headers(step, keys))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (step.Body is not null)
        {
            request.Content = new StringContent(step.Body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(step.ContentType);
        }

        using var response = await host.Http.SendAsync(request);
        return new HttpAnswer(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            await response.Content.ReadAsStringAsync(),
            response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString()
        );
    }

    private static Dictionary<string, string> Headers(Step step, Keys keys)
    {
        var headers = new Dictionary<string, string>(step.Headers ?? []);
        if (
            step.Key switch
            {
                Key.Own => $"Bearer {keys.Own}",
                Key.Other => $"Bearer {keys.Other}",
                Key.Basic => "Basic dXNlcjpwYXNz",
                Key.Unknown => "Bearer sla_nope",
                _ => null,
            } is
            { } authorization
        )
        {
            headers["Authorization"] = authorization;
        }

        return headers;
    }

    private static async Task<DatabaseFixture> DatabaseAsync()
    {
        var database = new DatabaseFixture();
        await database.InitializeAsync();
        return database;
    }

    private static async Task<Keys> TenantsAsync(TenantStore tenants)
    {
        await tenants.AddAsync("acme", "Acme");
        await tenants.AddAsync("other", "Other");
        return new Keys((await tenants.CreateKeyAsync("acme")).Token, (await tenants.CreateKeyAsync("other")).Token);
    }

    /// <summary>
    /// Durable's client at the edge: schedules succeed under the id asked for, signals are accepted, no instance
    /// exists.
    /// </summary>
    private static Mock<DurableTaskClient> DurableClient()
    {
        var client = new Mock<DurableTaskClient>("test");
        client
            .Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .Returns<TaskName, object?, StartOrchestrationOptions?, CancellationToken>(
                (_, _, options, _) => Task.FromResult(options?.InstanceId ?? "delivery")
            );
        client.SetupGet(c => c.Entities).Returns(new Mock<DurableEntityClient>("test").Object);
        return client;
    }

    private sealed record Keys(string Own, string Other);

    private enum Key
    {
        None,
        Own,
        Other,
        Basic,
        Unknown,
    }

    private sealed record Step(
        string Name,
        string Method,
        string Path,
        Key Key,
        string? Body,
        string ContentType,
        Dictionary<string, string>? Headers,
        bool PollingOnly
    )
    {
        public static Step Of(
            string name,
            string route,
            Key key,
            string? body,
            string contentType = "application/json",
            Dictionary<string, string>? headers = null,
            bool pollingOnly = false
        )
        {
            var space = route.IndexOf(' ', StringComparison.Ordinal);
            return new(name, route[..space], route[(space + 1)..], key, body, contentType, headers, pollingOnly);
        }
    }
}

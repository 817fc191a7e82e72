using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.SelfHost.Tests.Support;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;
using static SlaFunctions.SelfHost.Tests.Support.Events;

namespace SlaFunctions.SelfHost.Tests.Http;

/// <summary>Domain events through <c>POST /api/tenants/{tenant}/events</c> (SPEC §5).</summary>
public class EventIngestionTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday10 = Instant.FromUtc(2026, 6, 8, 14, 0);

    [Fact]
    public async Task Events_that_arrive_out_of_order_give_the_same_sla_as_in_order()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10 + Duration.FromHours(3));
        async Task<JsonNode> Run(params int[] order)
        {
            var (tenant, key) = await NewTenantWithPolicyAsync(host);
            string[] events =
            [
                Created(tenant, "e1", "T-1", "2026-06-08T13:00:00Z"),
                Status(tenant, "e2", "T-1", "2026-06-08T13:20:00Z", "awaiting_client"),
                Status(tenant, "e3", "T-1", "2026-06-08T14:05:00Z", "open"),
                Comment(tenant, "e4", "T-1", "2026-06-08T14:15:00Z", isPublic: true, authorType: "agent"),
            ];
            await Post(host, tenant, key, Batch([.. order.Select(i => events[i])]));
            return (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/tickets/T-1/sla", key)).Body!;
        }

        var inOrder = await Run(0, 1, 2, 3);
        var shuffled = await Run(0, 3, 2, 1);

        Assert.Equal(inOrder["phases"]!.ToJsonString(), shuffled["phases"]!.ToJsonString());
        Assert.Equal("met", (string?)shuffled["phases"]![0]!["state"]);
        Assert.Equal("PT30M", (string?)shuffled["phases"]![0]!["elapsed"]);
        Assert.Equal("PT45M", (string?)shuffled["phases"]![0]!["paused"]);
    }

    [Fact]
    public async Task A_duplicate_event_id_is_applied_once()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await NewTenantWithPolicyAsync(host);
        var batch = Batch(
            Created(tenant, "e1", "T-1", "2026-06-08T13:00:00Z"),
            Status(tenant, "e2", "T-1", "2026-06-08T13:30:00Z", "awaiting_client")
        );

        var first = await Post(host, tenant, key, batch);
        var version = await host
            .Database.DataSource.CreateCommand($"select version from ticket_slas where tenant_id = '{tenant}'")
            .ExecuteScalarAsync();
        var second = await Post(host, tenant, key, batch);

        Assert.Equal(["applied", "applied"], Statuses(first));
        Assert.Equal(["duplicate", "duplicate"], Statuses(second));
        Assert.Equal(
            version,
            await host
                .Database.DataSource.CreateCommand($"select version from ticket_slas where tenant_id = '{tenant}'")
                .ExecuteScalarAsync()
        );
    }

    [Fact]
    public async Task Events_before_the_ticket_exists_are_parked_and_applied_in_order_when_its_sla_starts()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await NewTenantWithPolicyAsync(host);

        var parked = await Post(
            host,
            tenant,
            key,
            Batch(
                Status(tenant, "e3", "T-1", "2026-06-08T13:40:00Z", "open"),
                Status(tenant, "e2", "T-1", "2026-06-08T13:10:00Z", "awaiting_client")
            )
        );
        var started = await Post(host, tenant, key, Batch(Created(tenant, "e1", "T-1", "2026-06-08T13:00:00Z")));
        var sla = (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/tickets/T-1/sla", key)).Body!;

        Assert.Equal(["parked", "parked"], Statuses(parked));
        Assert.Equal(["applied"], Statuses(started));
        Assert.Equal(
            """[{"from":"2026-06-08T13:10:00Z","to":"2026-06-08T13:40:00Z","reason":"awaiting_client","source":"status"}]""",
            sla["pauses"]!.ToJsonString()
        );
        Assert.Equal(
            0L,
            await host
                .Database.DataSource.CreateCommand($"select count(*) from parked_events where tenant_id = '{tenant}'")
                .ExecuteScalarAsync()
        );
    }

    [Fact]
    public async Task An_event_still_parked_after_its_sla_started_is_applied_by_the_expiry_sweep_not_dead_lettered()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await NewTenantWithPolicyAsync(host);
        var parked = await Post(
            host,
            tenant,
            key,
            Batch(Status(tenant, "s1", "T-7", "2026-06-08T13:10:00Z", "awaiting_client"))
        );
        // The SLA starts but its drain never runs, as when the process stops between the two.
        await host
            .Services.GetRequiredService<PostgresSlaService>()
            .StartAsync(
                new TicketKey(tenant, "T-7"),
                new StartRequest("P1", "standard", Instant.FromUtc(2026, 6, 8, 13, 0))
            );
        host.Clock.Advance(Duration.FromDays(8));

        var expired = await host.Services.GetRequiredService<PostgresParking>().ExpireParkedAsync();
        var sla = (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/tickets/T-7/sla", key)).Body!;
        var letters = (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/dead-letters", key)).Body![
            "items"
        ]!.AsArray();

        Assert.Equal(["parked"], Statuses(parked));
        Assert.Equal(0, expired);
        Assert.Empty(letters);
        Assert.Equal("awaiting_client", (string?)sla["pauses"]![0]!["reason"]);
        Assert.Equal(
            0L,
            await host
                .Database.DataSource.CreateCommand($"select count(*) from parked_events where tenant_id = '{tenant}'")
                .ExecuteScalarAsync()
        );
    }

    [Fact]
    public async Task Unusable_events_are_dead_lettered_with_their_reason_and_original_payload()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await NewTenantWithPolicyAsync(host);

        var results = await Post(
            host,
            tenant,
            key,
            Batch(
                Envelope(tenant, "u1", "TICKET_TELEPORTED", "2026-06-08T13:00:00Z", """{ "ticketId": "T-1" }"""),
                Envelope(tenant, "u2", "TICKET_STATUS_CHANGED", "2026-06-08T13:00:00Z", """{ "newStatus": "open" }"""),
                Envelope(tenant, "u3", "TICKET_CREATED", "2026-06-08T13:00:00Z", """{ "ticketId": "T-2" }"""),
                """{ "eventId": "u4", "eventType": "TICKET_RESOLVED", "tenantId": "someone-else", "occurredAt": "2026-06-08T13:00:00Z", "payload": {} }""",
                Comment(tenant, "u5", "T-1", "2026-06-08T13:00:00Z", isPublic: true, authorType: "customer")
            )
        );
        await Post(host, tenant, key, Batch(Status(tenant, "u6", "T-9", "2026-06-08T13:00:00Z", "open")));
        host.Clock.Advance(Duration.FromDays(8));
        await host.Services.GetRequiredService<PostgresParking>().ExpireParkedAsync();
        var letters = (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/dead-letters", key)).Body![
            "items"
        ]!.AsArray();

        Assert.Equal(
            ["dead-lettered", "dead-lettered", "dead-lettered", "dead-lettered", "ignored"],
            Statuses(results)
        );
        Assert.Equal("$[2].payload.priority", (string?)results[2]!["field"]);
        Assert.Equal(
            ["UnknownEventType", "CorrelationUnresolved", "InvalidEvent", "InvalidEnvelope", "ParkingExpired"],
            letters.Select(l => (string)l!["reason"]!)
        );
        Assert.Equal(["u1", "u2", "u3", "u4", "u6"], letters.Select(l => (string?)l!["eventId"]));
        Assert.Contains("TICKET_TELEPORTED", (string)letters[0]!["payload"]!, StringComparison.Ordinal);
        Assert.Equal(
            5L,
            await host
                .Database.DataSource.CreateCommand(
                    $"select count(*) from audit_log where tenant_id = '{tenant}' and action = 'dead_lettered'"
                )
                .ExecuteScalarAsync()
        );
    }

    [Fact]
    public async Task A_retried_input_lists_each_dead_letter_once_and_audits_every_attempt()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await NewTenantWithPolicyAsync(host);
        var batch = Batch(
            Envelope(tenant, "r1", "TICKET_TELEPORTED", "2026-06-08T13:00:00Z", """{ "ticketId": "T-1" }"""),
            Envelope(tenant, "r2", "TICKET_CREATED", "2026-06-08T13:00:00Z", """{ "ticketId": "T-2" }""")
        );
        var ingestion = host.Services.GetRequiredService<IEventIngestion>();

        var first = await Post(host, tenant, key, batch);
        var retry = await Post(host, tenant, key, batch);
        // A Service Bus redelivery or a retried durable activity dead-letters the same message again.
        await ingestion.DeadLetterAsync(new(tenant, "r3", "InvalidEnvelope", "$.payload: required", "{}"));
        await ingestion.DeadLetterAsync(new(tenant, "r3", "InvalidEnvelope", "$.payload: required", "{}"));
        var letters = (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/dead-letters", key)).Body![
            "items"
        ]!.AsArray();

        Assert.Equal(["dead-lettered", "dead-lettered"], Statuses(first));
        // A dead-lettered event does not use up its id: the retry is judged again, and refused again.
        Assert.Equal(["dead-lettered", "dead-lettered"], Statuses(retry));
        Assert.Equal(["r1", "r2", "r3"], letters.Select(l => (string?)l!["eventId"]));
        Assert.Equal(
            6L,
            await host
                .Database.DataSource.CreateCommand(
                    $"select count(*) from audit_log where tenant_id = '{tenant}' and action = 'dead_lettered'"
                )
                .ExecuteScalarAsync()
        );
    }

    [Fact]
    public async Task Correlation_keys_come_from_configured_paths_and_explicit_keys_win()
    {
        var mapping = """{ "correlation": [ { "eventType": "TICKET_*", "paths": ["payload.ticket.id"] } ] }""";
        await using var host = await ServiceHost.StartAsync(
            database,
            Monday10,
            new Dictionary<string, string> { ["Sla:Events:Mapping"] = mapping }
        );
        var (tenant, key) = await NewTenantWithPolicyAsync(host);

        var results = await Post(
            host,
            tenant,
            key,
            Batch(
                Envelope(
                    tenant,
                    "c1",
                    "TICKET_CREATED",
                    "2026-06-08T13:00:00Z",
                    """{ "ticket": { "id": "T-7" }, "ticketId": "T-7", "priority": "P1", "policyId": "standard", "correlationKeys": ["PSA-7"] }"""
                ),
                Envelope(
                    tenant,
                    "c2",
                    "TICKET_STATUS_CHANGED",
                    "2026-06-08T13:10:00Z",
                    """{ "ticket": { "id": "T-7" }, "newStatus": "awaiting_client" }"""
                ),
                Envelope(
                    tenant,
                    "c3",
                    "TICKET_STATUS_CHANGED",
                    "2026-06-08T13:20:00Z",
                    """{ "ticket": { "id": "nope" }, "newStatus": "open" }""",
                    correlationKey: "PSA-7"
                ),
                Envelope(
                    tenant,
                    "c4",
                    "TICKET_STATUS_CHANGED",
                    "2026-06-08T13:30:00Z",
                    """{ "ticketId": "T-7", "newStatus": "open" }"""
                )
            )
        );
        var sla = (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/tickets/T-7/sla", key)).Body!;

        Assert.Equal(["applied", "applied", "applied", "dead-lettered"], Statuses(results));
        Assert.Equal("PT10M", (string?)sla["phases"]![0]!["paused"]);
    }

    [Fact]
    public async Task CloudEvents_in_structured_mode_are_accepted()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await NewTenantWithPolicyAsync(host);
        var cloudEvent = $$"""
            { "specversion": "1.0", "id": "ce-1", "type": "TICKET_CREATED", "source": "/psa", "time": "2026-06-08T13:00:00Z",
              "tenantid": "{{tenant}}", "datacontenttype": "application/json", "data": { "ticketId": "T-3", "priority": "P2", "policyId": "standard" } }
            """;

        var results = await Post(host, tenant, key, Batch(cloudEvent));

        Assert.Equal(["applied"], Statuses(results));
        Assert.Equal(
            "P2",
            (string?)
                (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/tickets/T-3/sla", key)).Body!["priority"]
        );
    }

    internal static async Task<(string Tenant, string Key)> NewTenantWithPolicyAsync(ServiceHost host)
    {
        var (tenant, key) = await host.NewTenantAsync();
        var scenario = JsonNode.Parse(File.ReadAllText(Repo.Path("samples/weekday-ticket.json")))!;
        await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/calendars/ny",
            key,
            scenario["calendars"]!["ny"]!.ToJsonString()
        );
        await host.SendAsync(
            HttpMethod.Put,
            $"/api/tenants/{tenant}/policies/standard",
            key,
            scenario["policy"]!.ToJsonString()
        );
        return (tenant, key);
    }

    private static async Task<JsonArray> Post(ServiceHost host, string tenant, string key, string batch)
    {
        var (status, body, _) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/events", key, batch);
        Assert.Equal(200, status);
        return body!["results"]!.AsArray();
    }

    private static string[] Statuses(JsonArray results) => [.. results.Select(r => (string)r!["status"]!)];
}

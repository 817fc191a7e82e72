using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using SlaFunctions.Postgres.Events;
using SlaFunctions.SelfHost.Tests.Support;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.SelfHost;
using static SlaFunctions.SelfHost.Tests.Support.Events;

namespace SlaFunctions.SelfHost.Tests.Http;

/// <summary>
/// Events that cannot be stored or used are dead-lettered alone: the rest of their batch is handled, the answer
/// per event matches what was stored, and a dead-lettered event leaves its id free for a corrected resend.
/// </summary>
public class PoisonedEventTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday10 = Instant.FromUtc(2026, 6, 8, 14, 0);

    [Fact]
    public async Task Poisoned_events_are_dead_lettered_alone_and_the_answer_matches_what_was_stored()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);
        var batch = Batch(
            Created(tenant, "e1", "T-1", "2026-06-08T13:00:00Z"),
            Created(tenant, "e\\u0000nul", "T-2", "2026-06-08T13:00:00Z"),
            Status(tenant, "e3", "T-9", "2026-06-08T13:10:00Z", "open\\ud800"),
            Envelope(
                tenant,
                "e4",
                "TICKET_STATUS_CHANGED",
                "2026-06-08T13:10:00Z",
                """{ "ticketId": "T-9", "newStatus": "open", "size": 1e1000000 }"""
            ),
            Envelope(
                tenant,
                "e5",
                "TICKET_STATUS_CHANGED",
                "2026-06-08T13:10:00Z",
                """{ "ticketId": "T-9", "newStatus": "open", "note": "a\u0000b" }"""
            ),
            Envelope(
                tenant,
                "e6",
                "TICKET_STATUS_CHANGED",
                "2026-06-08T13:10:00Z",
                """{ "ticketId": "T-9", "newStatus": "open", "newStatus": "closed" }"""
            ),
            Created(tenant, "e7", "T-3", "0001-01-01T00:00:00Z"),
            Status(tenant, "e8", "T-9", "2026-06-08T13:20:00Z", "awaiting_client")
        );

        var first = await PostAsync(host, tenant, key, batch);

        Assert.Equal(
            [
                "applied",
                "dead-lettered",
                "dead-lettered",
                "dead-lettered",
                "dead-lettered",
                "dead-lettered",
                "dead-lettered",
                "parked",
            ],
            Statuses(first)
        );
        Assert.Equal(
            [
                null,
                "$[1].eventId",
                "$[2].payload.newStatus",
                "$[3].payload.size",
                "$[4].payload.note",
                "$[5].payload.newStatus",
                "$[6].occurredAt",
                null,
            ],
            first.Select(r => (string?)r!["field"])
        );
        Assert.Equal(1L, await CountAsync(host, $"select count(*) from ticket_slas where tenant_id = '{tenant}'"));
        Assert.Equal(1L, await CountAsync(host, $"select count(*) from parked_events where tenant_id = '{tenant}'"));
        Assert.Equal(1L, await CountAsync(host, $"select count(*) from processed_events where tenant_id = '{tenant}'"));
        Assert.Equal(6L, await CountAsync(host, $"select count(*) from dead_letters where tenant_id = '{tenant}'"));

        var second = await PostAsync(host, tenant, key, batch);

        Assert.Equal(["duplicate", .. Statuses(first)[1..^1], "duplicate"], Statuses(second));
        Assert.Equal(first.Select(r => (string?)r!["field"]), second.Select(r => (string?)r!["field"]));
        // The one without a usable id has nothing to be recognised by, and is listed again.
        Assert.Equal(7L, await CountAsync(host, $"select count(*) from dead_letters where tenant_id = '{tenant}'"));
    }

    [Fact]
    public async Task A_dead_lettered_event_does_not_use_up_its_id_and_its_corrected_resend_is_applied()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);
        await PostAsync(host, tenant, key, Batch(Created(tenant, "e1", "T-1", "2026-06-08T13:00:00Z")));

        var future = await PostAsync(
            host,
            tenant,
            key,
            Batch(Status(tenant, "e2", "T-1", "2026-06-09T13:00:00Z", "awaiting_client"))
        );
        var corrected = await PostAsync(
            host,
            tenant,
            key,
            Batch(Status(tenant, "e2", "T-1", "2026-06-08T13:50:00Z", "awaiting_client"))
        );
        var again = await PostAsync(
            host,
            tenant,
            key,
            Batch(Status(tenant, "e2", "T-1", "2026-06-08T13:50:00Z", "awaiting_client"))
        );

        Assert.Equal(["dead-lettered"], Statuses(future));
        Assert.Equal(["applied"], Statuses(corrected));
        Assert.Equal(["duplicate"], Statuses(again));
        var sla = (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/tickets/T-1/sla", key)).Body!;
        Assert.Equal("2026-06-08T13:50:00Z", (string?)sla["pauses"]![0]!["from"]);
    }

    [Fact]
    public async Task A_parked_event_whose_parking_expired_leaves_its_id_free()
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);
        var late = Batch(Status(tenant, "e1", "T-9", "2026-06-08T13:00:00Z", "open"));
        await PostAsync(host, tenant, key, late);
        host.Clock.Advance(Duration.FromDays(8));

        // The sweep covers every tenant of the class's database; this tenant's share is its dead letter.
        await host.Services.GetRequiredService<PostgresParking>().ExpireParkedAsync();
        var expired = await host
            .Database.DataSource.CreateCommand(
                $"select count(*) from dead_letters where tenant_id = '{tenant}' and reason = 'ParkingExpired'"
            )
            .ExecuteScalarAsync();
        var again = await PostAsync(host, tenant, key, late);

        Assert.Equal(1L, expired);
        Assert.Equal(["parked"], Statuses(again));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("T 1")]
    [InlineData("..")]
    [InlineData("T-é")]
    public async Task A_ticket_id_outside_the_alphabet_is_dead_lettered_naming_the_field(string ticket)
    {
        await using var host = await ServiceHost.StartAsync(database, Monday10);
        var (tenant, key) = await EventIngestionTests.NewTenantWithPolicyAsync(host);

        var results = await PostAsync(
            host,
            tenant,
            key,
            Batch(
                Created(tenant, "e1", ticket, "2026-06-08T13:00:00Z"),
                Created(tenant, "e2", "T-2", "2026-06-08T13:00:00Z")
            )
        );

        Assert.Equal(["dead-lettered", "applied"], Statuses(results));
        Assert.Equal("$[0].payload.ticketId", (string?)results[0]!["field"]);
        Assert.Equal(1L, await CountAsync(host, $"select count(*) from ticket_slas where tenant_id = '{tenant}'"));
    }

    private static async Task<JsonArray> PostAsync(ServiceHost host, string tenant, string key, string batch)
    {
        var (status, body, _) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/events", key, batch);
        Assert.True(status == 200, $"{status}: {body?.ToJsonString()}");
        return body!["results"]!.AsArray();
    }

    private static async Task<long> CountAsync(ServiceHost host, string sql) =>
        (long)(await host.Database.DataSource.CreateCommand(sql).ExecuteScalarAsync())!;

    private static string[] Statuses(JsonArray results) => [.. results.Select(r => (string)r!["status"]!)];
}

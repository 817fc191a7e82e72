using System.Diagnostics;
using System.Text.Json.Nodes;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.SelfHost.Tests.Support;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.SelfHost.Tests;

/// <summary>An engine process killed (SIGKILL) in the middle of its work, then restarted: still exactly once.</summary>
public sealed class EngineCrashTests : IAsyncLifetime
{
    private const int Tickets = 5_000;
    private const int PerTicket = 7;
    private readonly DatabaseFixture database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task An_engine_killed_mid_batch_and_restarted_fires_every_notification_exactly_once()
    {
        // Tickets created three hours ago on a 24x7 calendar, seeded as of their creation: all 7 response
        // notifications of each are overdue for an engine running on the real clock.
        var created = SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(3);
        var sla = new SlaHarness(database.DataSource, created);
        var tenant = await sla.NewTenantAsync("""{ "timeZone": "UTC", "is24x7": true }""");
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Tickets),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) =>
                await sla.Service.StartAsync(SlaHarness.Ticket(tenant, $"T-{i}"), new StartRequest("P1"), ct)
        );

        using (var first = StartEngine())
        {
            await EngineProcess.WaitUntilAsync(
                first,
                () => Count(sla, "select count(*) from notifications"),
                n => n > 0
            );
            first.Kill(entireProcessTree: true); // SIGKILL: no shutdown, the open transaction dies with the connection
            await first.WaitForExitAsync();
        }

        var afterKill = await Count(sla, "select count(*) from notifications");
        Assert.InRange(afterKill, 1, (Tickets * PerTicket) - 1);
        Assert.Equal(
            0,
            await Count(
                sla,
                "select count(*) from (select ticket_id from notifications group by ticket_id having count(*) <> 7) t"
            )
        );

        using (var second = StartEngine())
        {
            await EngineProcess.WaitUntilAsync(
                second,
                () => Count(sla, "select count(*) from notifications"),
                n => n == Tickets * PerTicket
            );
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }

        Assert.Equal(
            0,
            await Count(
                sla,
                "select count(*) from (select ticket_id from notifications group by ticket_id having count(*) <> 7) t"
            )
        );
        // Fired once: one 'fired' audit row per ticket, written in the same transaction as its notifications.
        Assert.Equal(Tickets, await Count(sla, "select count(*) from audit_log where action = 'fired'"));
        Assert.Equal(
            Tickets,
            await Count(sla, "select count(distinct ticket_id) from audit_log where action = 'fired'")
        );
        Assert.Equal(0, await Count(sla, "select count(*) from ticket_slas where next_wake_at <= now()"));
    }

    [Fact]
    public async Task A_retraction_not_yet_published_when_the_engine_is_killed_is_published_once_after_the_restart()
    {
        // A ticket created 65 minutes ago on a 24x7 calendar: its start fires the response warnings, escalations and
        // the breach; a response dated 8 minutes ago (within the tolerance) then retracts the breach. Both are
        // committed to the outbox with the event; nothing is published yet.
        var now = SystemClock.Instance.GetCurrentInstant();
        var sla = new SlaHarness(database.DataSource, now, new SlaStoreOptions { Sinks = ["webhook"] });
        var tenant = await sla.NewTenantAsync("""{ "timeZone": "UTC", "is24x7": true }""");
        var ticket = SlaHarness.Ticket(tenant, "T-1");
        await sla.Service.StartAsync(ticket, new StartRequest("P1", CreatedAt: now - Duration.FromMinutes(65)));
        await sla.Service.ApplyAsync(ticket, new TicketResponded(now - Duration.FromMinutes(8)) { Id = "r1" });
        var pending = await Count(sla, "select count(*) from outbox where state = 'pending'");
        Assert.Equal(7, pending); // warnings 50/75/90, escalations 70/90, the breach, its retraction

        // Every first attempt is refused; the engine is killed while the deliveries wait for their second.
        using var receiver = new WebhookReceiver(failFirst: (int)pending);
        using (var first = StartEngine(receiver))
        {
            await EngineProcess.WaitUntilAsync(
                first,
                () =>
                    Count(
                        sla,
                        "select count(*) from outbox where attempts = 1 and last_error is not null and state = 'pending'"
                    ),
                n => n == pending
            );
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        Assert.Empty(receiver.Received);
        using (var second = StartEngine(receiver))
        {
            await EngineProcess.WaitUntilAsync(
                second,
                () => Count(sla, "select count(*) from outbox where state = 'delivered'"),
                n => n == pending
            );
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }

        var published = receiver.Received.Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(published.Count, published.Select(n => (string?)n["notificationId"]).Distinct().Count());
        var retraction = Assert.Single(published, n => (string?)n["kind"] == "retraction");
        var breach = Assert.Single(published, n => (string?)n["kind"] == "breach");
        Assert.Equal((string?)breach["notificationId"], (string?)retraction["retracts"]);
        Assert.Equal(pending, published.Count);
    }

    private Process StartEngine(WebhookReceiver receiver) =>
        EngineProcess.Start(
            database.ConnectionString,
            new Dictionary<string, string>
            {
                ["Sla__Webhooks__Url"] = receiver.Url.ToString(),
                ["Sla__Webhooks__Secret"] = "test-secret",
                ["Sla__Dispatch__FirstBackoff"] = "00:00:05",
            }
        );

    private Process StartEngine() =>
        EngineProcess.Start(
            database.ConnectionString,
            new Dictionary<string, string> { ["Sla__Polling__BatchSize"] = "100" }
        );

    private static Task<long> Count(SlaHarness sla, string sql) => sla.CountAsync(sql);
}

using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Postgres.Tests.Outbox;

public sealed class OutboxDispatcherTests : IAsyncLifetime
{
    private const string Secret = "test-signing-secret";
    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");
    private readonly DatabaseFixture database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task Every_notification_reaches_the_webhook_signed_with_the_spec_payload()
    {
        using var receiver = new WebhookReceiver();
        var (sla, dispatcher) = Setup(receiver, new DispatchOptions());
        var tenant = await FireThreeNotificationsAsync(sla);

        Assert.Equal(3, await dispatcher.DispatchOnceAsync());
        Assert.Equal(0, await dispatcher.DispatchOnceAsync());

        Assert.Equal(3, receiver.Received.Count);
        foreach (var (body, signature) in receiver.Received)
        {
            Assert.Equal(WebhookSink.Sign(Secret, Encoding.UTF8.GetBytes(body)), signature);
            var payload = JsonDocument.Parse(body).RootElement;
            Assert.Equal(
                [
                    "notificationId",
                    "tenantId",
                    "ticketId",
                    "phase",
                    "cycle",
                    "kind",
                    "percent",
                    "level",
                    "dueAt",
                    "firedAt",
                ],
                payload.EnumerateObject().Select(p => p.Name)
            );
            Assert.Equal(tenant, payload.GetProperty("tenantId").GetString());
        }

        Assert.Equal(3, await sla.CountAsync("select count(*) from outbox where state = 'delivered'"));
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_with_exponential_backoff_until_it_accepts()
    {
        using var receiver = new WebhookReceiver(failFirst: 2);
        var (sla, dispatcher) = Setup(receiver, new DispatchOptions { FirstBackoff = Duration.FromSeconds(10) });
        await FireOneNotificationAsync(sla);

        Assert.Equal(1, await dispatcher.DispatchOnceAsync()); // fails: retry in 10 s
        sla.Clock.AdvanceSeconds(9);
        Assert.Equal(0, await dispatcher.DispatchOnceAsync()); // not yet
        sla.Clock.AdvanceSeconds(1);
        Assert.Equal(1, await dispatcher.DispatchOnceAsync()); // fails again: retry in 20 s
        sla.Clock.AdvanceSeconds(19);
        Assert.Equal(0, await dispatcher.DispatchOnceAsync());
        sla.Clock.AdvanceSeconds(1);
        Assert.Equal(1, await dispatcher.DispatchOnceAsync()); // accepted

        Assert.Single(receiver.Received);
        Assert.Equal(3, await sla.CountAsync("select attempts from outbox where state = 'delivered'"));
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_goes_dead_and_the_audit_log_says_so()
    {
        using var receiver = new WebhookReceiver(failFirst: int.MaxValue);
        var (sla, dispatcher) = Setup(
            receiver,
            new DispatchOptions
            {
                MaxAttempts = 3,
                FirstBackoff = Duration.FromSeconds(1),
                MaxBackoff = Duration.FromSeconds(1),
            }
        );
        await FireOneNotificationAsync(sla);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            await dispatcher.DispatchOnceAsync();
            sla.Clock.AdvanceSeconds(1);
        }

        Assert.Equal(1, await sla.CountAsync("select count(*) from outbox where state = 'dead' and attempts = 3"));
        Assert.Equal(
            1,
            await sla.CountAsync(
                "select count(*) from audit_log where action = 'notification_dead' and detail->>'error' like '%503%'"
            )
        );
    }

    [Fact]
    public async Task A_delivery_claimed_by_a_dispatcher_that_died_is_published_again_after_its_lease()
    {
        using var receiver = new WebhookReceiver();
        var (sla, dispatcher) = Setup(receiver, new DispatchOptions { Lease = Duration.FromMinutes(2) });
        await FireOneNotificationAsync(sla);
        await sla.CountAsync(
            "update outbox set attempts = 1, next_attempt_at = $1",
            sla.Clock.GetCurrentInstant() + Duration.FromMinutes(2)
        );

        Assert.Equal(0, await dispatcher.DispatchOnceAsync());
        sla.Clock.AdvanceMinutes(2);
        Assert.Equal(1, await dispatcher.DispatchOnceAsync());
        Assert.Single(receiver.Received);
    }

    [Fact]
    public void Backoff_doubles_from_the_first_wait_up_to_the_cap()
    {
        var options = new DispatchOptions
        {
            FirstBackoff = Duration.FromSeconds(1),
            MaxBackoff = Duration.FromSeconds(60),
        };

        Assert.Equal(
            new[] { 1, 2, 4, 8, 16, 32, 60, 60 },
            Enumerable.Range(1, 8).Select(a => (int)options.BackoffAfter(a).TotalSeconds)
        );
    }

    private (SlaHarness Sla, OutboxDispatcher Dispatcher) Setup(WebhookReceiver receiver, DispatchOptions options)
    {
        var sla = new SlaHarness(database.DataSource, Monday9, new SlaStoreOptions { Sinks = ["webhook"] });
        var http = new HttpClient();
        var dispatcher = new OutboxDispatcher(
            database.DataSource,
            [new WebhookSink(http, receiver.Url, Secret)],
            sla.Clock,
            options,
            NullLogger<OutboxDispatcher>.Instance
        );
        return (sla, dispatcher);
    }

    private static async Task<string> FireThreeNotificationsAsync(SlaHarness sla)
    {
        var tenant = await sla.NewTenantAsync();
        sla.Clock.AdvanceMinutes(46); // past the thresholds at 30, 42 and 45 minutes
        await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-1"), new StartRequest("P1", CreatedAt: Monday9));
        return tenant;
    }

    private static async Task FireOneNotificationAsync(SlaHarness sla)
    {
        var tenant = await sla.NewTenantAsync();
        sla.Clock.AdvanceMinutes(31); // past the threshold at 30 minutes
        await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-1"), new StartRequest("P1", CreatedAt: Monday9));
    }
}

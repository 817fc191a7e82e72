using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Postgres.Tests.Outbox;

/// <summary>
/// Sinks that do not wait on each other, timeouts for slow receivers, batched bookkeeping, dead deliveries.
/// </summary>
public sealed class DeliveryLaneTests : IAsyncLifetime
{
    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");
    private readonly DatabaseFixture database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task A_slow_webhook_receiver_gets_timeouts_while_another_sink_receives_everything_at_once()
    {
        using var slow = new WebhookReceiver(delay: TimeSpan.FromSeconds(30));
        using var http = new HttpClient();
        var fast = new RecordingSink("fast");
        var sla = new SlaHarness(database.DataSource, Monday9, new SlaStoreOptions { Sinks = ["webhook", "fast"] });
        await FireAsync(sla, tickets: 4); // 3 notifications each: 12 deliveries per sink
        var dispatcher = new OutboxDispatcher(
            database.DataSource,
            [new WebhookSink(http, slow.Url, "secret"), fast],
            sla.Clock,
            new DispatchOptions
            {
                BatchSize = 2,
                DeliveryTimeout = Duration.FromSeconds(1),
                IdleSleep = Duration.FromMilliseconds(50),
            },
            NullLogger<OutboxDispatcher>.Instance
        );
        using var stop = new CancellationTokenSource();
        var running = dispatcher.RunAsync(stop.Token);

        // Well within one answer of the slow receiver, and with batches of 2: the fast sink never waited for it.
        await WaitUntilAsync(() => Task.FromResult(fast.Received.Count == 12), TimeSpan.FromSeconds(15), running);
        await WaitUntilAsync(
            async () =>
                await sla.CountAsync(
                    "select count(*) from outbox where sink = 'webhook' and state = 'pending' and last_error like 'no answer within%'"
                ) == 12,
            TimeSpan.FromSeconds(25),
            running
        );
        Assert.Equal(
            12,
            await sla.CountAsync("select count(*) from outbox where sink = 'fast' and state = 'delivered'")
        );
        await stop.CancelAsync();
        // Cancelled, it stops: at the head of a lane's loop (it returns) or within a round (OperationCanceledException).
        var stopped = await Record.ExceptionAsync(() => running);
        Assert.True(stopped is null or OperationCanceledException, $"the dispatcher stopped with {stopped}");
    }

    [Fact]
    public async Task A_batch_records_its_outcomes_on_one_connection_not_one_per_delivery()
    {
        var sla = new SlaHarness(database.DataSource, Monday9, new SlaStoreOptions { Sinks = ["barrier"] });
        await FireAsync(sla, tickets: 10); // 30 deliveries
        var physical = 0;
        var builder = new NpgsqlDataSourceBuilder(database.ConnectionString);
        builder.UseNodaTime();
        builder.UsePhysicalConnectionInitializer(
            _ => Interlocked.Increment(ref physical),
            _ =>
            {
                Interlocked.Increment(ref physical);
                return Task.CompletedTask;
            }
        );
        await using var counted = builder.Build();
        var dispatcher = new OutboxDispatcher(
            counted,
            [new BarrierSink("barrier", 30)],
            sla.Clock,
            new DispatchOptions(),
            NullLogger<OutboxDispatcher>.Instance
        );

        Assert.Equal(30, await dispatcher.DispatchOnceAsync());

        Assert.Equal(30, await sla.CountAsync("select count(*) from outbox where state = 'delivered'"));
        // All 30 publishes end at the same moment; one connection per delivery would open about 30 here.
        Assert.InRange(physical, 1, 2);
    }

    [Fact]
    public void By_default_a_delivery_is_retried_through_hours_of_receiver_outage()
    {
        var options = new DispatchOptions();

        var span = Enumerable
            .Range(1, options.MaxAttempts - 1)
            .Aggregate(Duration.Zero, (sum, a) => sum + options.BackoffAfter(a));

        Assert.InRange(span, Duration.FromHours(4), Duration.FromHours(24));
    }

    [Fact]
    public async Task A_dead_delivery_is_listed_with_its_error_and_a_redelivery_sends_it_again()
    {
        using var receiver = new WebhookReceiver(failFirst: 2);
        using var http = new HttpClient();
        var sla = new SlaHarness(database.DataSource, Monday9, new SlaStoreOptions { Sinks = ["webhook"] });
        var tenant = await FireAsync(sla, tickets: 1);
        var dispatcher = new OutboxDispatcher(
            database.DataSource,
            [new WebhookSink(http, receiver.Url, "secret")],
            sla.Clock,
            new DispatchOptions { BatchSize = 1, MaxAttempts = 1 },
            NullLogger<OutboxDispatcher>.Instance
        );
        var dead = new DeadDeliveryStore(database.DataSource, sla.Clock);

        Assert.Equal(1, await dispatcher.DispatchOnceAsync());
        Assert.Equal(1, await dispatcher.DispatchOnceAsync());
        var first = Assert.Single(await dead.ListAsync(tenant, null, 1));
        var second = Assert.Single(await dead.ListAsync(tenant, first.Cursor, 10));
        Assert.Empty(await dead.ListAsync(tenant, second.Cursor, 10));
        Assert.Empty(await dead.ListAsync("another-tenant", null, 10));
        Assert.Contains("503", first.LastError, StringComparison.Ordinal);
        Assert.Equal(("webhook", "T-0", 1), (first.Sink, first.TicketId, first.Attempts));

        Assert.Equal(1, await dead.RedeliverAsync(tenant, [first.NotificationId], null));
        Assert.Equal(1, await dispatcher.DispatchOnceAsync());
        Assert.Single(receiver.Received);
        Assert.Equal(1, await dead.RedeliverAsync(tenant, null, "webhook"));
        Assert.Equal(0, await dead.RedeliverAsync(tenant, null, null));
        sla.Clock.AdvanceSeconds(1);
        while (await dispatcher.DispatchOnceAsync() > 0) { }

        Assert.Equal(3, receiver.Received.Count);
        Assert.Empty(await dead.ListAsync(tenant, null, 10));
        Assert.Equal(
            2,
            await sla.CountAsync("select count(*) from audit_log where action = 'notification_redelivered'")
        );
    }

    /// <summary>
    /// Starts P1 tickets created 46 minutes ago: each has fired three notifications (at 30, 42 and 45 minutes).
    /// </summary>
    private static async Task<string> FireAsync(SlaHarness sla, int tickets)
    {
        var tenant = await sla.NewTenantAsync();
        sla.Clock.Reset(Monday9 + Duration.FromMinutes(46));
        for (var i = 0; i < tickets; i++)
        {
            await sla.Service.StartAsync(
                SlaHarness.Ticket(tenant, $"T-{i}"),
                new StartRequest("P1", CreatedAt: Monday9)
            );
        }

        return tenant;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan within, Task running)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await done())
        {
            Assert.False(running.IsCompleted, "the dispatcher stopped");
            Assert.True(DateTime.UtcNow < deadline, $"not done within {within}");
            await Task.Delay(50);
        }
    }

    private sealed class RecordingSink(string name) : INotificationSink
    {
        public string Name => name;

        public ConcurrentQueue<string> Received { get; } = new();

        public Task PublishAsync(Guid notificationId, string payload, CancellationToken cancellationToken)
        {
            Received.Enqueue(payload);
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Holds every publish until <paramref name="count"/> are in flight, then lets them all end together.
    /// </summary>
    private sealed class BarrierSink(string name, int count) : INotificationSink
    {
        private readonly TaskCompletionSource all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int arrived;

        public string Name => name;

        public async Task PublishAsync(Guid notificationId, string payload, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref arrived) == count)
            {
                all.SetResult();
            }

            await all.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
    }
}

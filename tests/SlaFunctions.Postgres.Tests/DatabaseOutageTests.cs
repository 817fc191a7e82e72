using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Tests.Support;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Postgres.Tests;

/// <summary>
/// The engine, the dispatcher and the parking sweep through restarts, outages and a killed server of their own cluster.
/// </summary>
public sealed class DatabaseOutageTests
{
    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");
    private Func<string> diagnostics = () => "";

    [Fact]
    public async Task The_background_loops_outlive_a_restart_an_outage_and_a_killed_server_and_catch_up_on_what_fell_due()
    {
        using var cluster = OwnCluster.Create();
        var database = DatabaseFixture.Of(cluster.ConnectionString);
        await database.InitializeAsync();
        var sla = new SlaHarness(database.DataSource, Monday9, new SlaStoreOptions { Sinks = ["webhook"] });
        var tenant = await sla.NewTenantAsync();
        await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-1"), new StartRequest("P1", CreatedAt: Monday9));
        using var receiver = new WebhookReceiver();
        using var http = new HttpClient();
        var engineLog = new ListLogger<PollingEngine>();
        var dispatcherLog = new ListLogger<OutboxDispatcher>();
        var engine = new PollingEngine(
            database.DataSource,
            sla.Policies,
            sla.Clock,
            sla.Options,
            new PollingOptions { MaxSleep = Duration.FromMilliseconds(200) },
            engineLog
        );
        var dispatcher = new OutboxDispatcher(
            database.DataSource,
            [new WebhookSink(http, receiver.Url, "secret")],
            sla.Clock,
            new DispatchOptions { IdleSleep = Duration.FromMilliseconds(100) },
            dispatcherLog
        );
        var parking = sla.Parking();
        using var stop = new CancellationTokenSource();
        diagnostics = () =>
            $"received {receiver.Received.Count}; engine:\n{string.Join("\n", engineLog.Lines)}\ndispatcher:\n{string.Join("\n", dispatcherLog.Lines)}";
        var loops = new[]
        {
            engine.RunAsync(stop.Token),
            dispatcher.RunAsync(stop.Token),
            parking.RunExpiryAsync(stop.Token),
        };

        // Received and recorded as delivered: an outage between the two makes the outbox send it again, by design
        // (at least once, same notification id), and the outages here are meant to fall between deliveries.
        Task DeliveredAsync(int count) =>
            WaitUntilAsync(
                async () =>
                    receiver.Received.Count == count
                    && await sla.CountAsync("select count(*) from outbox where state = 'delivered'") == count,
                loops
            );

        await ListeningAsync(cluster, loops);
        cluster.Restart();
        await ListeningAsync(cluster, loops);
        sla.Clock.AdvanceMinutes(31); // the 50 % warning at 30 minutes is due
        await DeliveredAsync(1);

        var (engineOutages, dispatcherOutages) = (
            engineLog.Count("the database is unavailable"),
            dispatcherLog.Count("the database is unavailable")
        );
        cluster.Stop();
        await WaitUntil(
            () =>
                engineLog.Count("the database is unavailable") > engineOutages
                && dispatcherLog.Count("the database is unavailable") > dispatcherOutages,
            loops
        );
        sla.Clock.AdvanceMinutes(15); // meanwhile the 70 % escalation (42 min) and the 75 % warning (45 min) fall due
        cluster.Start();
        await DeliveredAsync(3);

        cluster.Kill();
        sla.Clock.AdvanceMinutes(9); // the 90 % warning and escalation at 54 minutes, among others
        cluster.Start();
        var state = "";
        diagnostics = () => $"{state}; {string.Join("\n", engineLog.Lines)}";
        await WaitUntilAsync(
            async () =>
            {
                var stored = await sla.CountAsync("select count(*) from notifications");
                var due = await sla.CountAsync(
                    "select count(*) from ticket_slas where next_wake_at <= $1",
                    sla.Clock.GetCurrentInstant()
                );
                var delivered = await sla.CountAsync("select count(*) from outbox where state = 'delivered'");
                state =
                    $"received {receiver.Received.Count}, stored {stored}, recorded delivered {delivered}, still due {due}";
                return receiver.Received.Count > 3
                    && receiver.Received.Count == stored
                    && delivered == stored
                    && due == 0;
            },
            loops
        );

        Assert.Equal(receiver.Received.Count, receiver.Received.Select(r => r.Body).Distinct().Count());
        // Once per outage, not at every retry: three outages, three lines when each began and three when each ended.
        Assert.True(engineLog.Count("the database is unavailable") <= 3, string.Join("\n", engineLog.Lines));
        Assert.True(engineLog.Count("the database is back") >= 2, string.Join("\n", engineLog.Lines));
        Assert.All(loops, l => Assert.False(l.IsCompleted));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(loops));
        await database.DisposeAsync();
    }

    /// <summary>Waits until the engine listens on its wake channel again (a new connection after an outage).</summary>
    private Task ListeningAsync(OwnCluster cluster, Task[] loops) =>
        WaitUntilAsync(
            async () =>
            {
                await using var dataSource = SlaDatabase.Open(cluster.ConnectionString);
                try
                {
                    await using var connection = await dataSource.OpenConnectionAsync();
                    return await Sql.ScalarAsync<long>(
                            connection,
                            $"select count(*) from pg_stat_activity where query = 'listen {WakeListener.Channel}'",
                            default
                        ) == 1;
                }
                catch (Npgsql.NpgsqlException)
                {
                    return false;
                }
            },
            loops
        );

    private Task WaitUntil(Func<bool> done, Task[] loops) => WaitUntilAsync(() => Task.FromResult(done()), loops);

    private async Task WaitUntilAsync(Func<Task<bool>> done, Task[] loops)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await done())
        {
            foreach (var loop in loops.Where(l => l.IsCompleted))
            {
                await loop; // surfaces the exception that ended it
                Assert.Fail("a background loop ended during the outage");
            }

            Assert.True(DateTime.UtcNow < deadline, $"nothing happened within a minute: {diagnostics()}");
            await Task.Delay(50);
        }
    }
}

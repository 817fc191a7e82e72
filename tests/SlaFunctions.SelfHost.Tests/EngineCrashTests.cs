using System.Diagnostics;
using NodaTime;
using SlaFunctions.Core.Service;
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
            await WaitUntil(() => Count(sla, "select count(*) from notifications"), n => n > 0, first);
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
            await WaitUntil(
                () => Count(sla, "select count(*) from notifications"),
                n => n == Tickets * PerTicket,
                second
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

    private Process StartEngine() =>
        EngineProcess.Start(
            database.ConnectionString,
            new Dictionary<string, string> { ["Sla__Polling__BatchSize"] = "100" }
        );

    private static async Task WaitUntil(Func<Task<long>> read, Func<long, bool> done, Process engine)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!done(await read()))
        {
            Assert.False(engine.HasExited, $"the engine exited with {(engine.HasExited ? engine.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, "the engine made no progress in two minutes");
            await Task.Yield();
        }
    }

    private static Task<long> Count(SlaHarness sla, string sql) => sla.CountAsync(sql);
}

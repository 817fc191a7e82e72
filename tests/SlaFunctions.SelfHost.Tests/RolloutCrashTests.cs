using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Rollouts;
using SlaFunctions.SelfHost.Tests.Support;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.SelfHost.Tests;

/// <summary>The service process killed (SIGKILL) while its rollout worker applies a rollout, then restarted.</summary>
public sealed class RolloutCrashTests : IAsyncLifetime
{
    private const int Tickets = 5_000;

    private const string Version2 = """
        { "calendar": "ny", "targets": {
            "P1": { "responseMinutes": 30, "resolutionMinutes": 480 },
            "P2": { "responseMinutes": 240, "resolutionMinutes": 1440 } } }
        """;

    private readonly DatabaseFixture database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task A_rollout_killed_mid_apply_finishes_after_the_restart_with_every_ticket_changed_once()
    {
        var sla = new SlaHarness(database.DataSource, SystemClock.Instance.GetCurrentInstant());
        var tenant = await sla.NewTenantAsync("""{ "timeZone": "UTC", "is24x7": true }""");
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Tickets),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) =>
                await sla.Service.StartAsync(SlaHarness.Ticket(tenant, $"T-{i}"), new StartRequest("P1"), ct)
        );
        await sla.Definitions.PutPolicyAsync(tenant, "standard", Version2);
        var runs = new RolloutRuns(
            sla.DataSource,
            sla.Policies,
            new RolloutPreviews(sla.DataSource, sla.Definitions, sla.Policies),
            sla.Service,
            SystemClock.Instance,
            NullLogger<RolloutRuns>.Instance
        );
        var rollout = await runs.StartAsync(
            tenant,
            new RolloutPlan(new PolicyRef("standard", 2), SystemClock.Instance.GetCurrentInstant())
        );
        Assert.Equal(Tickets, rollout.Total);

        using (var first = EngineProcess.Start(database.ConnectionString))
        {
            await EngineProcess.WaitUntilAsync(first, () => Reached(sla), n => n > 0);
            first.Kill(entireProcessTree: true); // the batch in flight dies with its connection
            await first.WaitForExitAsync();
        }

        var afterKill = await Reached(sla);
        Assert.InRange(afterKill, 1, Tickets - 1);
        Assert.Equal(afterKill, await Changed(sla));
        using (var second = EngineProcess.Start(database.ConnectionString))
        {
            await EngineProcess.WaitUntilAsync(
                second,
                () => sla.CountAsync("select count(*) from rollouts where state = 'done'"),
                n => n == 1
            );
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }

        var done = (await runs.GetAsync(tenant, rollout.Id))!;
        Assert.Equal((RolloutState.Done, Tickets, Tickets), (done.State, done.Done, done.Applied.DueEarlier));
        Assert.Equal(Tickets, await Changed(sla));
        Assert.Equal(
            0,
            await sla.CountAsync(
                "select count(*) from (select ticket_id from audit_log where action = 'definitions' group by ticket_id having count(*) <> 1) t"
            )
        );
    }

    private static Task<long> Reached(SlaHarness sla) => sla.CountAsync("select count(*) from rollout_tickets");

    /// <summary>Tickets whose history holds the change, each with one audit row of it.</summary>
    private static Task<long> Changed(SlaHarness sla) =>
        sla.CountAsync(
            "select count(*) from ticket_slas t where snapshot::text like '%\"type\": \"definitions\"%' and (select count(*) from audit_log a where a.ticket_id = t.ticket_id and a.action = 'definitions') = 1"
        );
}

using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Postgres.Tests.Polling;

/// <summary>Several engines on one database: no notification twice, none lost.</summary>
public sealed class EngineConcurrencyTests : IAsyncLifetime
{
    private const string AlwaysOpen = """{ "timeZone": "UTC", "is24x7": true }""";
    private readonly DatabaseFixture database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task Three_engines_fire_every_threshold_of_10000_tickets_exactly_once()
    {
        const int tickets = 10_020;
        var t0 = Instant.FromUtc(2026, 6, 8, 9, 0);
        var sla = new SlaHarness(database.DataSource, t0);
        var tenant = await sla.NewTenantAsync(AlwaysOpen);

        // A wave of tickets starts every minute for the first hour while the engines run; each response
        // (60 minutes, thresholds 50/75/90/100, levels 70/90/110 — the last at 66 minutes) fires 7 notifications.
        var engines = Enumerable.Range(0, 3).Select(_ => sla.Engine(new PollingOptions { BatchSize = 200 })).ToList();
        const int waves = 60;
        var reported = 0;
        for (var minute = 0; minute <= waves + 70; minute++)
        {
            sla.Clock.Reset(t0 + Duration.FromMinutes(minute));
            if (minute < waves)
            {
                await Parallel.ForEachAsync(
                    Enumerable.Range(minute * tickets / waves, tickets / waves),
                    new ParallelOptions { MaxDegreeOfParallelism = 8 },
                    async (i, ct) =>
                        await sla.Service.StartAsync(SlaHarness.Ticket(tenant, $"T-{i}"), new StartRequest("P1"), ct)
                );
            }

            var fired = await Task.WhenAll(engines.Select(engine => Task.Run(() => SlaHarness.DrainAsync(engine))));
            reported += fired.Sum();
        }

        Assert.Equal(7 * tickets, reported);
        Assert.Equal(
            7 * tickets,
            await sla.CountAsync("select count(*) from notifications where tenant_id = $1", tenant)
        );
        Assert.Equal(
            0,
            await sla.CountAsync(
                "select count(*) from (select ticket_id from notifications where tenant_id = $1 group by ticket_id having count(*) <> 7) t",
                tenant
            )
        );
        Assert.Equal(
            0,
            await sla.CountAsync(
                "select count(*) from notifications where fired_at < due_at or fired_at > due_at + interval '1 minute'"
            )
        );
    }
}

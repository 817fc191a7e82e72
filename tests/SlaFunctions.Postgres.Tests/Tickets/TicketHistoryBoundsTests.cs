using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Api;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Testing.Postgres;
using Xunit.Abstractions;

namespace SlaFunctions.Postgres.Tests.Tickets;

/// <summary>A ticket's history stays bounded however many commands it takes (docs/decisions/0007).</summary>
public class TicketHistoryBoundsTests(DatabaseFixture database, ITestOutputHelper output)
    : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday9 = Instant.FromUtc(2026, 6, 8, 13, 0);

    /// <summary>
    /// 10,000 pause and resume commands a minute apart: the snapshot each command reads and writes, the events it
    /// folds and the status body stay as large as they were after 1,000, while the time counted stays exact.
    /// </summary>
    [Fact]
    public async Task Ten_thousand_commands_leave_the_stored_history_and_the_status_bounded()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var ticket = SlaHarness.Ticket(tenant, "T-1");
        await sla.Service.StartAsync(ticket, new StartRequest("P2") { CreatedAt = Monday9 });

        var sizes = new Dictionary<int, (long Events, long Bytes, int Status)>();
        for (var i = 1; i <= 10_000; i++)
        {
            sla.Clock.Advance(Duration.FromMinutes(1));
            var now = sla.Clock.GetCurrentInstant();
            await sla.Service.ApplyAsync(
                ticket,
                i % 2 == 1 ? new TicketPaused(now, "vendor") : new TicketResumed(now, "vendor")
            );
            if (i is 1_000 or 10_000)
            {
                sizes[i] = (
                    await sla.CountAsync(
                        "select jsonb_array_length(snapshot->'events') from ticket_slas where tenant_id = $1",
                        tenant
                    ),
                    await sla.CountAsync(
                        "select octet_length(snapshot::text) from ticket_slas where tenant_id = $1",
                        tenant
                    ),
                    await StatusBytesAsync(sla, ticket)
                );
            }
        }

        foreach (var (commands, (events, bytes, body)) in sizes)
        {
            output.WriteLine(
                $"after {commands} commands: {events} events in the snapshot, {bytes} bytes stored, status body {body} bytes"
            );
        }

        Assert.InRange(sizes[10_000].Events, 1, sla.Options.Compaction.AfterEvents + 20);
        Assert.InRange(sizes[10_000].Bytes, 1, sizes[1_000].Bytes + 2_000);
        Assert.InRange(sizes[10_000].Status, 1, sizes[1_000].Status + 2_000);

        // Paused every other minute: half of the business minutes since the start ran, half were paused.
        var status = (await sla.Service.GetStatusAsync(ticket))!;
        var resolution = status.Phases.Single(p => p.Phase == SlaPhase.Resolution);
        Assert.True(resolution.Elapsed > Duration.FromHours(10), $"{resolution}");
        Assert.True(Math.Abs((resolution.Elapsed - resolution.Paused).TotalMinutes) <= 1, $"{resolution}");
    }

    private static async Task<int> StatusBytesAsync(SlaHarness sla, TicketKey ticket)
    {
        var status = (await sla.Service.GetStatusAsync(ticket))!;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            StatusJson.Write(json, ticket, status, sla.Clock.GetCurrentInstant());
        }

        return (int)buffer.Length;
    }
}

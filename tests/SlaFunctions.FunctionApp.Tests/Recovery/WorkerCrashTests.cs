using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Durable;
using SlaFunctions.FunctionApp.Tests.Engine;
using SlaFunctions.FunctionApp.Tests.Support;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Testing.Engine;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.FunctionApp.Tests.Recovery;

/// <summary>
/// The durable worker's process killed (-9) between a late event and the publication of the retraction it made,
/// on the Azure Storage provider: the engine that takes over the task hub finishes the ticket's work.
/// </summary>
public sealed class WorkerCrashTests : IAsyncLifetime
{
    private readonly DatabaseFixture database = new();

    [Fact]
    public async Task A_retraction_not_yet_published_when_the_worker_is_killed_is_published_once_by_the_engine_that_takes_over()
    {
        var t = EngineFixture.Now();
        var tenant = await new SlaHarness(database.DataSource, t).NewTenantAsync(
            EngineFixture.Calendar,
            EngineFixture.Policy
        );
        var ticket = new TicketKey(tenant, "T-1");
        var taskHub = $"crash{Guid.NewGuid():N}"[..20];
        Stored breach;
        Stored retraction;
        WorkerJournal journal;
        await using (
            var worker = await WorkerProcess.StartAsync(
                database.ConnectionString,
                AzuriteServer.ConnectionString,
                taskHub
            )
        )
        {
            var service = worker.Services.GetRequiredService<DurableBackend>().SlaService(worker.Client);
            // Created 65 s ago with a one-minute response target: its start fires the warnings and the breach (due
            // 5 s ago), which the worker publishes.
            await service.StartAsync(ticket, new StartRequest("P1", CreatedAt: t - Duration.FromSeconds(65)));
            breach = default!;
            await Eventually.HoldsAsync(
                "the breach stored and published by the worker",
                async () =>
                    (breach = (await StoredAsync(ticket)).SingleOrDefault(n => n.Kind == "breach")!) is not null
                    && worker.Journal().Sent.Any(m => m.MessageId == breach.Id)
            );

            // A response dated before the breach, within the tolerance: the breach is retracted, and the worker's
            // topic refuses the retraction until the worker is killed.
            await service.ApplyAsync(ticket, new TicketResponded(t - Duration.FromSeconds(8)) { Id = "r1" });
            retraction = default!;
            await Eventually.HoldsAsync(
                "the retraction stored and its publication refused",
                async () =>
                    (retraction = (await StoredAsync(ticket)).SingleOrDefault(n => n.Kind == "retraction")!) is not null
                    && worker.Journal().Refused.Contains(retraction.Id)
            );
            await worker.KillAsync();
            journal = worker.Journal();
        }

        Assert.Equal(breach.Id, retraction.Retracts);
        Assert.DoesNotContain(journal.Sent, m => m.MessageId == retraction.Id);
        Assert.Equal("pending", await OutboxStateAsync(retraction.Id));

        var topic = new PublishedMessages();
        var tasks = new AppTasks(database.ConnectionString, topic);
        TicketSla sla;
        await using (await SlaEngine.AzureStorageAsync(tasks, AzuriteServer.ConnectionString, taskHub, takeOver: true))
        {
            await Eventually.HoldsAsync(
                "the retraction published by the engine that took over",
                async () => await OutboxStateAsync(retraction.Id) == "delivered"
            );
            sla = (await tasks.Services.GetRequiredService<DurableSlaStore>().LoadAsync(ticket))!.Sla;
        }

        var published = journal.Sent.Concat(topic.Sent).ToList();
        var stored = await StoredAsync(ticket);
        Assert.Equal(stored.Select(n => n.Id).Order(), published.Select(m => m.MessageId).Order());
        var sent = Assert.Single(published, m => m.MessageId == retraction.Id);
        Assert.Equal(breach.Id, (string?)JsonNode.Parse(sent.Body)!["retracts"]);
        Assert.Equal(PhaseOutcome.Met, sla.StatusAt(t).Phases.Single(p => p.Phase == SlaPhase.Response).Outcome);
    }

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    private async Task<List<Stored>> StoredAsync(TicketKey ticket)
    {
        await using var command = database.DataSource.CreateCommand(
            "select notification_id::text, kind, retracts::text from notifications where tenant_id = $1 and ticket_id = $2"
        );
        command.Parameters.Add(new() { Value = ticket.TenantId });
        command.Parameters.Add(new() { Value = ticket.TicketId });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Stored>();
        while (await reader.ReadAsync())
        {
            rows.Add(
                new Stored(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            );
        }

        return rows;
    }

    private async Task<string?> OutboxStateAsync(string notificationId)
    {
        await using var command = database.DataSource.CreateCommand(
            "select state from outbox where notification_id = $1::uuid"
        );
        command.Parameters.Add(new() { Value = notificationId });
        return (string?)await command.ExecuteScalarAsync();
    }

    private sealed record Stored(string Id, string Kind, string? Retracts);
}

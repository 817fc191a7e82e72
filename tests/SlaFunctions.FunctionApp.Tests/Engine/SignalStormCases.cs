using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Instances;

namespace SlaFunctions.FunctionApp.Tests.Engine;

/// <summary>Many signals: a burst at once, and random histories compared with <c>simulate</c>.</summary>
public abstract class SignalStormCases(EngineFixture engine)
{
    /// <summary>
    /// Thirty status changes at once, delivered concurrently: each applied once, and past
    /// <see cref="TicketSlaWorkflow.RoundsPerExecution"/> rounds the execution continues as new (on Azure Storage
    /// the timers it cancelled still fire in the new execution: they must change nothing).
    /// </summary>
    [Fact]
    public async Task A_burst_of_signals_is_applied_once_each_across_ContinueAsNew()
    {
        var ticket = engine.Ticket($"burst-{Guid.NewGuid():N}"[..20]);
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(50), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        var burst = Enumerable
            .Range(0, 30)
            .Select(i => new TicketStatusChanged(
                EngineFixture.Now() - Duration.FromMilliseconds(30 - i),
                i % 2 == 0 ? "in_progress" : "open"
            )
            {
                Id = $"{ticket.TicketId}-{i}",
            })
            .ToList();
        await Task.WhenAll(burst.Select(e => engine.Service.ApplyAsync(ticket, e)));
        var stored = 0;
        Microsoft.DurableTask.Client.OrchestrationMetadata? instance = null;
        await Eventually.HoldsAsync(
            () =>
                $"{ticket.TicketId}: all 30 stored, {stored} are; instance {instance?.RuntimeStatus} {instance?.FailureDetails?.ErrorMessage}, input {instance?.SerializedInput}",
            async () =>
            {
                var events = await engine.EventsAsync(ticket);
                instance = await engine.Client.GetInstanceAsync(SlaInstanceId.For(ticket), getInputsAndOutputs: true);
                stored = burst.Count(b => events.Any(e => e.Id == b.Id));
                return burst.All(b => events.Count(e => e.Id == b.Id) == 1);
            }
        );
        Assert.True((await engine.InputAsync(ticket)).Snapshot.Events.Length > 1, "the execution continued as new");
        var until = t + Duration.FromSeconds(12);
        await engine.SettledAsync(ticket, until, await engine.SimulatedAsync(ticket, [created, .. burst], until));
    }

    /// <summary>
    /// Random histories, one ticket each, all at once: events at their real instants, each sent when no
    /// threshold is about to fall due (a threshold that fires while an event is on its way makes the event late,
    /// and what fired stays fired, which <c>simulate</c> cannot know). Stored equals simulated, once each.
    /// </summary>
    protected async Task RandomHistoriesAsync()
    {
        var seed = Environment.TickCount;
        var failures = await Task.WhenAll(
            Enumerable
                .Range(0, 3)
                .Select(async i =>
                {
                    var ticket = engine.Ticket($"random-{i}-{Guid.NewGuid():N}"[..20]);
                    try
                    {
                        await RandomHistoryAsync(ticket, new Random(seed + i));
                        return null;
                    }
                    catch (Exception e)
                    {
                        return $"{ticket.TicketId} (seed {seed + i}): {e.GetType().Name}: {e.Message}";
                    }
                })
        );
        var failed = failures.Where(f => f is not null).ToList();
        Assert.True(failed.Count == 0, string.Join(Environment.NewLine, failed));
    }

    private async Task RandomHistoryAsync(TicketKey ticket, Random random)
    {
        var priority = random.Next(2) == 0 ? "P1" : "P2";
        var created = new TicketCreated(EngineFixture.Now() - Duration.FromSeconds(random.Next(10, 100)), priority);
        await engine.StartAsync(ticket, priority, created.At);
        List<TicketEvent> events = [created];
        for (var step = 0; step < 4; step++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 3000)));
            await QuietAsync(ticket);
            var at = EngineFixture.Now();
            var id = $"{ticket.TicketId}-{step}";
            TicketEvent e = random.Next(9) switch
            {
                0 => new TicketResponded(at) { Id = id },
                1 => new TicketResolved(at) { Id = id },
                2 => new TicketReopened(at) { Id = id },
                3 => new TicketPaused(at, "awaiting_client") { Id = id },
                4 => new TicketResumed(at, "awaiting_client") { Id = id },
                5 => new TicketStatusChanged(at, random.Next(2) == 0 ? "awaiting_client" : "open") { Id = id },
                6 => new TicketPriorityChanged(at, random.Next(2) == 0 ? "P1" : "P2") { Id = id },
                7 when step == 3 => new TicketCancelled(at) { Id = id },
                _ => new TicketStatusChanged(at, "in_progress") { Id = id },
            };
            await engine.SendAsync(ticket, e);
            events.Add(e);
        }

        var until = events[^1].At + Duration.FromSeconds(10);
        await engine.SettledAsync(ticket, until, await engine.SimulatedAsync(ticket, events, until));
    }

    /// <summary>Waits until the ticket's next threshold is not due within the time a signal takes to arrive.</summary>
    private async Task QuietAsync(TicketKey ticket) =>
        await Eventually.HoldsAsync(
            $"{ticket.TicketId}: no threshold about to fall due",
            async () =>
            {
                var row = await engine.Store.LoadAsync(ticket);
                return row?.Sla.NextWakeAt is not { } wake || wake > EngineFixture.Now() + EngineFixture.SignalLatency;
            }
        );
}

public sealed class InMemorySignalStormTests(InMemoryEngine engine)
    : SignalStormCases(engine),
        IClassFixture<InMemoryEngine>
{
    [Fact]
    public Task Random_histories_store_what_simulate_says_once() => RandomHistoriesAsync();
}

public sealed class AzureStorageSignalStormTests(AzureStorageEngine engine)
    : SignalStormCases(engine),
        IClassFixture<AzureStorageEngine>
{
    [Fact]
    public Task Random_histories_store_what_simulate_says_once() => RandomHistoriesAsync();
}

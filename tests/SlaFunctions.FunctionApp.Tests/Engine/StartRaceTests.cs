using DurableTask.Core;
using DurableTask.Core.History;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Durable.Orchestrations;
using SlaFunctions.Testing.Engine;

namespace SlaFunctions.FunctionApp.Tests.Engine;

/// <summary>
/// A command that reaches a ticket's orchestration before the provider lets its start run. On Azure Storage a
/// start's queue message is written before its Instances row, and a worker that dequeues it in between puts it
/// back; an event raised meanwhile is dequeued alone, finds no history and is deleted. A start scheduled a few
/// seconds ahead holds the instance in exactly that state (Pending, start message invisible) for long enough.
/// </summary>
public sealed class StartRaceTests(AzureStorageEngine engine) : IClassFixture<AzureStorageEngine>
{
    private static readonly Duration StartDelay = Duration.FromSeconds(5);

    [Fact]
    public async Task A_command_to_an_instance_that_has_not_started_is_stored_once_it_runs()
    {
        var ticket = engine.Ticket($"race-{Guid.NewGuid():N}"[..20]);
        var created = EngineFixture.Now();
        await engine.Rows.StartAsync(ticket, new StartRequest("P2", CreatedAt: created));
        var row = await engine.Store.LoadAsync(ticket) ?? throw new SlaNotFoundException(ticket);
        await ScheduleDelayedAsync(row.Input([], HistoryCompaction.Default), created + StartDelay);
        Assert.Equal(InstanceState.Pending, await engine.StateAsync(ticket));

        var change = new TicketPriorityChanged(EngineFixture.Now(), "P1") { Id = $"{ticket.TicketId}-1" };
        var sent = EngineFixture.Now();
        await engine.SendAsync(ticket, change);

        // Stored by the first delivery, not by a confirmation minutes later (which would take it for queued).
        var took = EngineFixture.Now() - sent;
        Assert.True(took < EventDeliveryWorkflow.ConfirmAfter, $"stored after {took}");
        Assert.Equal(InstanceState.Running, await engine.StateAsync(ticket));
        Assert.Single(await engine.EventsAsync(ticket), e => e == change);
    }

    private async Task ScheduleDelayedAsync(TicketSlaInput input, Instant startAt)
    {
        var storage = engine.Engine.AzureStorage ?? throw new InvalidOperationException("Azure Storage only");
        var instance = new OrchestrationInstance
        {
            InstanceId = SlaInstanceId.For(input.Ticket),
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        await storage.CreateTaskOrchestrationAsync(
            new TaskMessage
            {
                Event = new ExecutionStartedEvent(-1, AppTasks.Converter.Serialize(input))
                {
                    Name = SlaOrchestrations.TicketSla,
                    OrchestrationInstance = instance,
                    ScheduledStartTime = startAt.ToDateTimeUtc(),
                    Tags = new Dictionary<string, string>(), // the sidecar copies them into its answers and fails on null
                },
                OrchestrationInstance = instance,
            }
        );
    }
}

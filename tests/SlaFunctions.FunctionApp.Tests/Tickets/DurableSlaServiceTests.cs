using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Durable.Orchestrations;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.FunctionApp.Tests.Tickets;

/// <summary>
/// Ticket commands on the durable backend: the row first, then Durable; a refused start falls back to polling.
/// </summary>
public class DurableSlaServiceTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_start_stores_a_durable_row_and_schedules_the_orchestration_from_it_on_the_current_version()
    {
        var backend = await Backend.CreateAsync(database);
        var ticket = backend.Ticket("T-1");
        TicketSlaInput? scheduled = null;
        backend
            .Client.Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.Is<TaskName>(n => n.Name == SlaOrchestrations.TicketSla),
                    It.IsAny<object?>(),
                    It.Is<StartOrchestrationOptions?>(o => o!.InstanceId == SlaInstanceId.For(ticket)),
                    It.IsAny<CancellationToken>()
                )
            )
            .Callback<TaskName, object?, StartOrchestrationOptions?, CancellationToken>(
                (_, input, _, _) => scheduled = (TicketSlaInput)input!
            )
            .ReturnsAsync("id");

        var change = await backend.Service.StartAsync(ticket, new StartRequest("P1"));

        Assert.Equal(EventEffect.Applied, change.Effect);
        Assert.Equal(SlaBackend.Durable, (await backend.Store.LoadAsync(ticket))!.Backend);
        Assert.Equal(ticket, scheduled!.Ticket);
        Assert.Empty(scheduled.Signals);
        Assert.Equal(scheduled.Snapshot.Policy, scheduled.Policy.Ref);
        Assert.Equal(TicketSlaWorkflow.CurrentVersion, scheduled.Version);
    }

    [Fact]
    public async Task A_start_durable_refuses_leaves_the_ticket_on_the_polling_engine_and_says_so_on_the_row()
    {
        var backend = await Backend.CreateAsync(database);
        var ticket = backend.Ticket("T-2");
        backend
            .Client.Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "the host is down")));

        var change = await backend.Service.StartAsync(ticket, new StartRequest("P1"));

        Assert.Equal(EventEffect.Applied, change.Effect);
        Assert.Equal(SlaBackend.Polling, (await backend.Store.LoadAsync(ticket))!.Backend);
        Assert.Equal(
            1,
            await backend.Sla.CountAsync(
                "select count(*) from audit_log where tenant_id = $1 and action = 'moved_to_polling'",
                ticket.TenantId
            )
        );
        backend.Sla.Clock.AdvanceMinutes(30);
        Assert.Equal(1, await SlaHarness.DrainAsync(backend.Sla.Engine()));
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Running, 1)]
    [InlineData(OrchestrationRuntimeStatus.Completed, 1)]
    [InlineData(null, 2)]
    public async Task A_repeated_start_schedules_again_only_when_the_instance_is_missing(
        OrchestrationRuntimeStatus? status,
        int schedules
    )
    {
        var backend = await Backend.CreateAsync(database);
        var ticket = backend.Ticket("T-3");
        backend
            .Client.Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync("id");
        await backend.Service.StartAsync(ticket, new StartRequest("P1"));
        backend.InstanceIs(ticket, status);

        var again = await backend.Service.StartAsync(ticket, new StartRequest("P2"));

        Assert.Equal(EventEffect.Duplicate, again.Effect);
        backend.Client.Verify(
            c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Exactly(schedules)
        );
    }

    /// <param name="toleranceMinutes">The tenant's late-event tolerance, read with the row; none: the default.</param>
    [Theory]
    [InlineData(null)]
    [InlineData(3)]
    public async Task A_command_answers_what_the_orchestration_will_store_and_schedules_its_delivery_once_per_idempotency_key(
        int? toleranceMinutes
    )
    {
        var backend = await Backend.CreateAsync(database);
        var ticket = backend.Ticket("T-4");
        var tolerance = toleranceMinutes is { } minutes
            ? (
                await backend.Sla.Tenants.SetAsync(backend.Tenant, new TenantSettings(Duration.FromMinutes(minutes)))
            ).LateEventTolerance
            : TenantSettings.Default.LateEventTolerance;
        EventDeliveryInput? delivery = null;
        backend
            .Client.Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .Callback<TaskName, object?, StartOrchestrationOptions?, CancellationToken>(
                (name, input, options, _) =>
                {
                    if (name.Name == SlaOrchestrations.EventDelivery)
                    {
                        Assert.Equal(SlaInstanceId.ForDelivery(ticket, "k1"), options!.InstanceId);
                        delivery = (EventDeliveryInput)input!;
                    }
                }
            )
            .ReturnsAsync("id");
        await backend.Service.StartAsync(ticket, new StartRequest("P1") { Id = "start-1" });
        backend.Sla.Clock.AdvanceMinutes(40);
        var pause = new TicketStatusChanged(backend.Sla.Clock.GetCurrentInstant(), "awaiting_client") { Id = "k1" };

        var change = await backend.Service.ApplyAsync(ticket, pause);
        var repeat = await backend.Service.ApplyAsync(
            ticket,
            new TicketStatusChanged(Backend.Monday9, "open") { Id = "start-1" }
        );

        Assert.Equal(EventEffect.Applied, change.Effect);
        Assert.Equal(PhaseOutcome.Paused, change.Status.Phases[0].Outcome);
        Assert.Equal([50m], change.Fired.Select(f => f.Percent));
        var received = new Receipt(pause.At, tolerance);
        Assert.Equal(
            [new DeliverSignalRequest(ticket, new SlaSignal(pause) { Receipt = received })],
            delivery!.Signals.ToArray()
        );
        Assert.Equal(EventEffect.Duplicate, repeat.Effect);
        backend.Client.Verify(
            c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.Is<TaskName>(n => n.Name == SlaOrchestrations.EventDelivery),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
        Assert.Empty((await backend.Store.LoadAsync(ticket))!.Sla.Events.OfType<TicketStatusChanged>());
    }

    [Fact]
    public async Task A_command_for_a_ticket_on_the_polling_engine_is_applied_to_its_row()
    {
        var backend = await Backend.CreateAsync(database);
        var ticket = backend.Ticket("T-5");
        backend
            .Client.Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "down")));
        await backend.Service.StartAsync(ticket, new StartRequest("P1"));
        backend.Sla.Clock.AdvanceMinutes(5);

        await backend.Service.ApplyAsync(ticket, new TicketResponded(Backend.Monday9 + Duration.FromMinutes(5)));

        Assert.Single((await backend.Store.LoadAsync(ticket))!.Sla.Events.OfType<TicketResponded>());
    }

    [Fact]
    public async Task A_command_for_a_ticket_without_an_sla_is_not_found()
    {
        var backend = await Backend.CreateAsync(database);

        await Assert.ThrowsAsync<SlaNotFoundException>(() =>
            backend.Service.ApplyAsync(backend.Ticket("none"), new TicketResponded(Backend.Monday9))
        );
    }
}

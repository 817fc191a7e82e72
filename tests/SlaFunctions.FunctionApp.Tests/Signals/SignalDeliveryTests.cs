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
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.FunctionApp.Tests.Signals;

/// <summary>
/// A signal reaches its ticket: raised on a live instance, or restarted with it, or applied to a polling row.
/// </summary>
public class SignalDeliveryTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly SlaSignal Respond = new(
        new TicketResponded(Backend.Monday9 + Duration.FromMinutes(5)) { Id = "r1" }
    );

    // What delivery passes on: the signal stamped with when it was received (StartedAsync's clock, 10 minutes after
    // the start) and the tenant's tolerance, so the orchestration judges lateness against the receipt, not replay.
    private static readonly SlaSignal Received = Respond with
    {
        Receipt = new Receipt(Backend.Monday9 + Duration.FromMinutes(10), TenantSettings.Default.LateEventTolerance),
    };

    [Fact]
    public async Task A_live_instance_with_a_running_sla_is_raised_the_signal()
    {
        var (backend, ticket) = await StartedAsync("T-1");
        backend.InstanceIs(ticket, OrchestrationRuntimeStatus.Running);
        backend
            .Client.Setup(c =>
                c.RaiseEventAsync(
                    SlaInstanceId.For(ticket),
                    SlaSignal.EventName,
                    Received,
                    It.IsAny<CancellationToken>()
                )
            )
            .Returns(Task.CompletedTask);

        Assert.Equal(
            DeliveryReceipt.Raised,
            await backend.Delivery.DeliverAsync(
                new DeliverSignalRequest(ticket, Respond),
                false,
                CancellationToken.None
            )
        );
        backend.Client.VerifyAll();
    }

    [Fact]
    public async Task A_completed_instance_is_restarted_from_the_snapshot_with_the_signal_on_the_current_version()
    {
        var (backend, ticket) = await StartedAsync("T-2");
        backend.InstanceIs(ticket, OrchestrationRuntimeStatus.Completed);
        var restarted = Restarts(backend);

        Assert.Equal(
            DeliveryReceipt.Restarted,
            await backend.Delivery.DeliverAsync(
                new DeliverSignalRequest(ticket, Respond),
                false,
                CancellationToken.None
            )
        );
        Assert.Equal([Received], restarted.Single().Signals.ToArray());
        Assert.Equal(TicketSlaWorkflow.CurrentVersion, restarted.Single().Version);
    }

    [Fact]
    public async Task The_receipt_carries_the_tolerance_the_tenant_set_read_with_the_row()
    {
        var (backend, ticket) = await StartedAsync("T-7");
        await backend.Sla.Tenants.SetAsync(backend.Tenant, new TenantSettings(Duration.FromMinutes(3)));
        backend.InstanceIs(ticket, OrchestrationRuntimeStatus.Completed);
        var restarted = Restarts(backend);

        await backend.Delivery.DeliverAsync(new DeliverSignalRequest(ticket, Respond), false, CancellationToken.None);

        Assert.Equal(
            [Respond with { Receipt = new Receipt(Received.Receipt!.Value.At, Duration.FromMinutes(3)) }],
            restarted.Single().Signals.ToArray()
        );
    }

    [Fact]
    public async Task A_parked_signal_keeps_no_receipt_and_a_stamped_one_keeps_its_own()
    {
        var (backend, ticket) = await StartedAsync("T-6");
        backend.InstanceIs(ticket, OrchestrationRuntimeStatus.Completed);
        var restarted = Restarts(backend);
        var stamped = Respond with
        {
            Receipt = new Receipt(Backend.Monday9 + Duration.FromMinutes(7), Duration.FromMinutes(3)),
        };

        await backend.Delivery.DeliverAsync(
            new DeliverSignalRequest(ticket, Respond) { FromParking = true },
            false,
            CancellationToken.None
        );
        await backend.Delivery.DeliverAsync(new DeliverSignalRequest(ticket, stamped), false, CancellationToken.None);

        Assert.Equal(
            [
                [Respond],
                [stamped],
            ],
            restarted.Select(r => r.Signals.ToArray()).ToArray()
        );
    }

    [Fact]
    public async Task A_raise_refused_because_the_instance_just_completed_becomes_a_restart()
    {
        var (backend, ticket) = await StartedAsync("T-3");
        backend
            .Client.SetupSequence(c =>
                c.GetInstanceAsync(SlaInstanceId.For(ticket), false, It.IsAny<CancellationToken>())
            )
            .ReturnsAsync(Backend.Metadata(ticket, OrchestrationRuntimeStatus.Running))
            .ReturnsAsync(Backend.Metadata(ticket, OrchestrationRuntimeStatus.Completed));
        backend
            .Client.Setup(c =>
                c.RaiseEventAsync(
                    It.IsAny<string>(),
                    It.IsAny<string>(),
                    It.IsAny<object?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ThrowsAsync(new RpcException(new Status(StatusCode.FailedPrecondition, "the instance is not running")));
        var restarted = Restarts(backend);

        Assert.Equal(
            DeliveryReceipt.Restarted,
            await backend.Delivery.DeliverAsync(
                new DeliverSignalRequest(ticket, Respond),
                false,
                CancellationToken.None
            )
        );
        Assert.Single(restarted);
    }

    [Fact]
    public async Task A_ticket_on_the_polling_engine_gets_the_event_on_its_row_and_a_later_check_confirms_it()
    {
        var (backend, ticket) = await StartedAsync("T-4");
        await backend.Store.MoveToPollingAsync(ticket, "test");

        Assert.Equal(
            DeliveryReceipt.Applied,
            await backend.Delivery.DeliverAsync(
                new DeliverSignalRequest(ticket, Respond),
                false,
                CancellationToken.None
            )
        );
        Assert.Equal(
            DeliveryReceipt.Confirmed,
            await backend.Delivery.DeliverAsync(new DeliverSignalRequest(ticket, Respond), true, CancellationToken.None)
        );
        Assert.Contains(Respond.Event, (await backend.Store.LoadAsync(ticket))!.Sla.Events);
        backend.Client.Verify(
            c =>
                c.RaiseEventAsync(
                    It.IsAny<string>(),
                    It.IsAny<string>(),
                    It.IsAny<object?>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Never
        );
    }

    [Fact]
    public async Task A_raised_signal_the_stored_history_lacks_after_the_instance_completed_is_delivered_again()
    {
        var (backend, ticket) = await StartedAsync("T-5");
        backend.InstanceIs(ticket, OrchestrationRuntimeStatus.Completed);
        var restarted = Restarts(backend);

        Assert.Equal(
            DeliveryReceipt.Restarted,
            await backend.Delivery.DeliverAsync(new DeliverSignalRequest(ticket, Respond), true, CancellationToken.None)
        );
        Assert.Single(restarted);
    }

    [Fact]
    public async Task An_event_for_a_ticket_without_an_sla_has_nowhere_to_go()
    {
        var backend = await Backend.CreateAsync(database);

        Assert.Equal(
            DeliveryReceipt.NoSla,
            await backend.Delivery.DeliverAsync(
                new DeliverSignalRequest(backend.Ticket("none"), Respond),
                false,
                CancellationToken.None
            )
        );
    }

    private async Task<(Backend Backend, TicketKey Ticket)> StartedAsync(string ticketId)
    {
        var backend = await Backend.CreateAsync(database);
        var ticket = backend.Ticket(ticketId);
        await backend.Sla.Service.StartAsync(ticket, new StartRequest("P1"));
        backend.Sla.Clock.AdvanceMinutes(10);
        return (backend, ticket);
    }

    private static List<TicketSlaInput> Restarts(Backend backend)
    {
        var inputs = new List<TicketSlaInput>();
        backend
            .Client.Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.Is<TaskName>(n => n.Name == SlaOrchestrations.TicketSla),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .Callback<TaskName, object?, StartOrchestrationOptions?, CancellationToken>(
                (_, input, _, _) => inputs.Add((TicketSlaInput)input!)
            )
            .ReturnsAsync("id");
        return inputs;
    }
}

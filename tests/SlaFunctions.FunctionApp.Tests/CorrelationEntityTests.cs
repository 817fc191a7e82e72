using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Entities;
using Moq;
using NodaTime;
using NodaTime.Testing;
using SlaFunctions.Core.Durable;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tests.Events;
using SlaFunctions.Core.Workflow;
using SlaFunctions.FunctionApp.Durable;

namespace SlaFunctions.FunctionApp.Tests;

/// <summary>The entity carries out its Core step: state, a delivery orchestration for the work, a signal to itself at the next expiry.</summary>
public class CorrelationEntityTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 9, 12, 0);
    private static readonly EventRouter Router = new(EventSettings.Default);
    private static readonly TicketKey Ticket = new("acme", "T-42");

    private readonly Mock<TaskEntityContext> context = new();
    private readonly List<(string Name, object? Input)> scheduled = [];
    private readonly List<(string Operation, SignalEntityOptions? Options)> signals = [];
    private object? state;

    public CorrelationEntityTests()
    {
        context.SetupGet(c => c.Id).Returns(CorrelationEntity.Id("acme", "T-42"));
        context.Setup(c => c.ScheduleNewOrchestration(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>()))
            .Callback<TaskName, object?, StartOrchestrationOptions?>((name, input, _) => scheduled.Add((name.Name, input)))
            .Returns("delivery");
        context.Setup(c => c.SignalEntity(It.IsAny<EntityInstanceId>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<SignalEntityOptions?>()))
            .Callback<EntityInstanceId, string, object?, SignalEntityOptions?>((_, operation, _, options) => signals.Add((operation, options)));
    }

    [Fact]
    public async Task An_event_before_any_subscription_is_parked_and_an_expiry_signal_is_scheduled()
    {
        await RunAsync(nameof(CorrelationEntity.Receive), Event("e1"));

        Assert.Single(((CorrelationIndex)state!).Parked);
        Assert.Empty(scheduled);
        var (operation, options) = Assert.Single(signals);
        Assert.Equal(nameof(CorrelationEntity.Expire), operation);
        Assert.Equal((Now + EventSettings.DefaultParkingWindow).ToDateTimeOffset(), options!.SignalTime);
    }

    [Fact]
    public async Task A_subscription_schedules_the_delivery_of_what_was_parked()
    {
        await RunAsync(nameof(CorrelationEntity.Receive), Event("e1"));

        await RunAsync(nameof(CorrelationEntity.Subscribe), new Subscription("T-42", Ticket));

        var (name, input) = Assert.Single(scheduled);
        Assert.Equal(Orchestrators.EventDelivery, name);
        Assert.Equal("e1", Assert.Single(((EventDeliveryInput)input!).Signals).Signal.Event.Id);
        Assert.Empty(((CorrelationIndex)state!).Parked);
    }

    [Fact]
    public async Task An_expiry_dead_letters_what_waited_too_long()
    {
        await RunAsync(nameof(CorrelationEntity.Receive), Event("e1"));

        await RunAsync(nameof(CorrelationEntity.Expire), null, Now + EventSettings.DefaultParkingWindow);

        var work = (EventDeliveryInput)Assert.Single(scheduled).Input!;
        Assert.Equal(DeadLetterReason.ParkingExpired, Assert.Single(work.DeadLetters).Reason);
        Assert.True(((CorrelationIndex)state!).IsEmpty);
    }

    private async Task RunAsync(string operationName, object? input, Instant? at = null)
    {
        var entityState = new Mock<TaskEntityState> { CallBase = true };
        entityState.SetupGet(s => s.HasState).Returns(() => state is not null);
        entityState.Setup(s => s.GetState(typeof(CorrelationIndex))).Returns(() => state);
        entityState.Setup(s => s.SetState(It.IsAny<object?>())).Callback<object?>(value => state = value);
        var operation = new Mock<TaskEntityOperation> { CallBase = true };
        operation.SetupGet(o => o.Name).Returns(operationName);
        operation.SetupGet(o => o.Context).Returns(context.Object);
        operation.SetupGet(o => o.State).Returns(entityState.Object);
        operation.SetupGet(o => o.HasInput).Returns(input is not null);
        operation.Setup(o => o.GetInput(It.IsAny<Type>())).Returns(input);

        await new CorrelationEntity(Router, new FakeClock(at ?? Now)).RunAsync(operation.Object);
    }

    private static CorrelatedEvent Event(string id) =>
        new("T-42", Samples.Envelope("TICKET_STATUS_CHANGED", """{ "ticketId": "T-42", "newStatus": "awaiting_client" }""", eventId: id));
}

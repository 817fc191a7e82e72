using Microsoft.DurableTask.Entities;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Durable.Orchestrations;

namespace SlaFunctions.Durable.Correlation;

/// <summary>
/// The durable entity of one correlation key (<see cref="CorrelationEntityKey"/>), holding its
/// <see cref="CorrelationIndex"/>. Each operation is a Core function; the entity only carries out its step:
/// the new state, a delivery orchestration for the work (entities cannot raise events on orchestrations),
/// and a signal to itself at the next expiry. Durable commits the state and these actions together.
/// </summary>
public sealed class CorrelationEntity(EventRouter router, IClock clock) : TaskEntity<CorrelationIndex>
{
    public const string Name = nameof(CorrelationEntity);

    public static EntityInstanceId Id(string tenantId, string correlationKey) =>
        new(Name, CorrelationEntityKey.For(Name, tenantId, correlationKey));

    public void Receive(CorrelatedEvent input) =>
        Carry(CorrelationEntityOps.Receive(State, input, clock.GetCurrentInstant(), router));

    public void Subscribe(Subscription input) => Carry(CorrelationEntityOps.Subscribe(State, input, router));

    public void Expire() => Carry(CorrelationEntityOps.Expire(State, Context.Id.Key, clock.GetCurrentInstant()));

    protected override CorrelationIndex InitializeState(TaskEntityOperation entityOperation) => CorrelationIndex.Empty;

    private void Carry(EntityStep step)
    {
        State = step.Index;
        if (step.Work is { } work)
        {
            _ = Context.ScheduleNewOrchestration(SlaOrchestrations.EventDelivery, work);
        }

        if (step.ExpireAt is { } expireAt)
        {
            Context.SignalEntity(
                Context.Id,
                nameof(Expire),
                null,
                new SignalEntityOptions { SignalTime = DurableTime.ToDateTimeOffset(expireAt) }
            );
        }
    }
}

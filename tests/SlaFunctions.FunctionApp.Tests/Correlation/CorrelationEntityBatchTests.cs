using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Correlation;
using SlaFunctions.Durable.Orchestrations;
using SlaFunctions.FunctionApp.Tests.Support;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Events;
using P = Microsoft.DurableTask.Protobuf;

namespace SlaFunctions.FunctionApp.Tests.Correlation;

/// <summary>
/// The correlation entity through the isolated worker's own entry point, <c>GrpcEntityRunner</c>, with real
/// protobuf batches and the app's services: state through the app's serializer, several operations per batch,
/// delivery orchestrations and the self-signal as actions of the decoded result.
/// </summary>
public sealed class CorrelationEntityBatchTests : IDisposable
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 9, 12, 0);
    private static readonly TicketKey Ticket = new("acme", "T-42");
    private static readonly string InstanceId = CorrelationEntity.Id("acme", "T-42").ToString();

    private readonly FakeClock clock = new(Now);
    private readonly IHost host;

    public CorrelationEntityBatchTests()
    {
        // The entity needs no database; the connection string is only read, never opened.
        host = AppHost.Build(SlaBackend.Durable, "Host=127.0.0.1;Port=1;Username=nobody;Database=none", clock);
    }

    private IServiceProvider Services => host.Services;

    [Fact]
    public async Task An_event_before_any_subscription_is_parked_and_the_entity_signals_itself_at_its_expiry()
    {
        var result = await EntityBatch.RunAsync(
            Services,
            InstanceId,
            null,
            (nameof(CorrelationEntity.Receive), Event("e1"))
        );

        AssertSucceeded(result, 1);
        var state = State(result);
        Assert.Equal("e1", Assert.Single(state.Parked).Envelope.EventId);
        Assert.Equal(Now + EventSettings.DefaultParkingWindow, state.Parked[0].ExpiresAt);
        var signal = Assert.Single(result.Actions).SendSignal;
        Assert.NotNull(signal);
        Assert.Equal(InstanceId, signal.InstanceId);
        Assert.Equal(nameof(CorrelationEntity.Expire), signal.Name);
        Assert.Equal(
            (Now + EventSettings.DefaultParkingWindow).ToDateTimeOffset(),
            signal.ScheduledTime.ToDateTimeOffset()
        );
    }

    [Fact]
    public async Task Several_operations_in_one_batch_park_then_hand_over_in_order_of_occurrence()
    {
        var result = await EntityBatch.RunAsync(
            Services,
            InstanceId,
            null,
            (nameof(CorrelationEntity.Receive), Event("late", "2026-03-09T11:00:00Z")),
            (nameof(CorrelationEntity.Receive), Event("early", "2026-03-09T10:00:00Z")),
            (nameof(CorrelationEntity.Subscribe), new Subscription("T-42", Ticket))
        );

        AssertSucceeded(result, 3);
        Assert.Equal<TicketKey>([Ticket], State(result).Subscribers);
        Assert.Empty(State(result).Parked);
        // The first park starts the expiry chain; the second expires later and starts none.
        Assert.Single(result.Actions, a => a.SendSignal is not null);
        var work = Delivery(Assert.Single(result.Actions, a => a.StartNewOrchestration is not null));
        Assert.Equal(["early", "late"], work.Signals.Select(s => s.Signal.Event.Id));
        Assert.All(work.Signals, s => Assert.Equal(Ticket, s.Ticket));
    }

    [Fact]
    public async Task The_state_of_one_batch_is_the_state_of_the_next_and_is_the_app_serializer_s_json()
    {
        var first = await EntityBatch.RunAsync(
            Services,
            InstanceId,
            null,
            (nameof(CorrelationEntity.Subscribe), new Subscription("T-42", Ticket))
        );
        Assert.Equal(
            JsonSerializer.Serialize(new CorrelationIndex([Ticket], []), DurableJson.Options),
            first.EntityState
        );

        var second = await EntityBatch.RunAsync(
            Services,
            InstanceId,
            first.EntityState,
            (nameof(CorrelationEntity.Receive), Event("e2"))
        );

        AssertSucceeded(second, 1);
        Assert.Equal<TicketKey>([Ticket], State(second).Subscribers);
        var work = Delivery(Assert.Single(second.Actions));
        var signal = Assert.Single(work.Signals);
        Assert.Equal("e2", signal.Signal.Event.Id);
        Assert.Equal(Samples.At("2026-03-09T14:00:00Z"), signal.Signal.Event.At);
    }

    [Fact]
    public async Task The_self_signal_at_the_expiry_dead_letters_what_waited_too_long()
    {
        var parked = await EntityBatch.RunAsync(
            Services,
            InstanceId,
            null,
            (nameof(CorrelationEntity.Receive), Event("e1"))
        );
        clock.Reset(Instant.FromDateTimeOffset(parked.Actions[0].SendSignal.ScheduledTime.ToDateTimeOffset()));

        var expired = await EntityBatch.RunAsync(
            Services,
            InstanceId,
            parked.EntityState,
            (nameof(CorrelationEntity.Expire), null)
        );

        AssertSucceeded(expired, 1);
        Assert.True(State(expired).IsEmpty);
        var letter = Assert.Single(Delivery(Assert.Single(expired.Actions)).DeadLetters);
        Assert.Equal((DeadLetterReason.ParkingExpired, "e1"), (letter.Reason, letter.EventId));
    }

    [Fact]
    public async Task An_early_expiry_signal_changes_nothing_and_starts_no_new_chain()
    {
        var parked = await EntityBatch.RunAsync(
            Services,
            InstanceId,
            null,
            (nameof(CorrelationEntity.Receive), Event("e1"))
        );

        var early = await EntityBatch.RunAsync(
            Services,
            InstanceId,
            parked.EntityState,
            (nameof(CorrelationEntity.Expire), null)
        );

        AssertSucceeded(early, 1);
        Assert.Empty(early.Actions);
        Assert.Equal("e1", Assert.Single(State(early).Parked).Envelope.EventId);
    }

    [Fact]
    public async Task An_unknown_operation_fails_alone_and_the_rest_of_the_batch_commits()
    {
        var result = await EntityBatch.RunAsync(
            Services,
            InstanceId,
            null,
            ("Unsubscribe", new Subscription("T-42", Ticket)),
            (nameof(CorrelationEntity.Subscribe), new Subscription("T-42", Ticket))
        );

        Assert.Equal(P.OperationResult.ResultTypeOneofCase.Failure, result.Results[0].ResultTypeCase);
        Assert.Equal(P.OperationResult.ResultTypeOneofCase.Success, result.Results[1].ResultTypeCase);
        Assert.Equal<TicketKey>([Ticket], State(result).Subscribers);
    }

    public void Dispose() => host.Dispose();

    private static void AssertSucceeded(P.EntityBatchResult result, int operations)
    {
        Assert.Null(result.FailureDetails);
        Assert.Equal(operations, result.Results.Count);
        Assert.All(
            result.Results,
            r =>
                Assert.True(
                    r.ResultTypeCase == P.OperationResult.ResultTypeOneofCase.Success,
                    r.Failure?.FailureDetails?.ErrorMessage
                )
        );
    }

    private static CorrelationIndex State(P.EntityBatchResult result) =>
        JsonSerializer.Deserialize<CorrelationIndex>(result.EntityState, DurableJson.Options)!;

    private static EventDeliveryInput Delivery(P.OperationAction action)
    {
        var start = action.StartNewOrchestration;
        Assert.NotNull(start);
        Assert.Equal(SlaOrchestrations.EventDelivery, start.Name);
        return JsonSerializer.Deserialize<EventDeliveryInput>(start.Input, DurableJson.Options)!;
    }

    private static CorrelatedEvent Event(string id, string at = "2026-03-09T14:00:00Z") =>
        new(
            "T-42",
            Samples.Envelope(
                "TICKET_STATUS_CHANGED",
                """{ "ticketId": "T-42", "newStatus": "awaiting_client" }""",
                eventId: id,
                at: at
            )
        );
}

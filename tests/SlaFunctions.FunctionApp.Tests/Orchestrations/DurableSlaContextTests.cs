using Microsoft.DurableTask;
using Moq;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Orchestrations;

namespace SlaFunctions.FunctionApp.Tests.Orchestrations;

/// <summary>The adapter maps each port member to the one context call its doc comment names.</summary>
public class DurableSlaContextTests
{
    private readonly Mock<TaskOrchestrationContext> context = new(MockBehavior.Strict);

    [Fact]
    public void Now_is_the_replay_safe_context_time_read_as_utc()
    {
        context
            .SetupGet(c => c.CurrentUtcDateTime)
            .Returns(new DateTime(2026, 6, 8, 13, 0, 0, DateTimeKind.Unspecified));

        Assert.Equal(Instant.FromUtc(2026, 6, 8, 13, 0), new DurableSlaContext(context.Object).CurrentInstant);
    }

    [Fact]
    public async Task A_timer_fires_at_the_instant_rounded_up_to_a_tick_with_the_callers_token()
    {
        using var cancel = new CancellationTokenSource();
        var fireAt = Instant.FromUtc(2026, 6, 8, 13, 0) + Duration.FromNanoseconds(50);
        context
            .Setup(c => c.CreateTimer(new DateTime(2026, 6, 8, 13, 0, 0, DateTimeKind.Utc).AddTicks(1), cancel.Token))
            .Returns(Task.CompletedTask);

        await new DurableSlaContext(context.Object).CreateTimer(fireAt, cancel.Token);

        context.VerifyAll();
    }

    [Fact]
    public async Task The_signal_waiter_is_the_cancellation_token_overload_and_never_cancelled()
    {
        var signal = new SlaSignal(new TicketResponded(Instant.FromUtc(2026, 6, 8, 13, 0)));
        context
            .Setup(c => c.WaitForExternalEvent<SlaSignal>(SlaSignal.EventName, CancellationToken.None))
            .ReturnsAsync(signal);

        Assert.Same(signal, await new DurableSlaContext(context.Object).WaitForSignal());
    }

    [Fact]
    public async Task Activities_are_called_by_name_with_the_retry_policy()
    {
        var request = new PublishNotificationsRequest(new TicketKey("acme", "T-1"), []);
        context
            .Setup(c =>
                c.CallActivityAsync<int>(
                    It.Is<TaskName>(n => n.Name == SlaActivities.Publish.Name),
                    request,
                    DurableSlaContext.ActivityOptions
                )
            )
            .ReturnsAsync(3);

        Assert.Equal(3, await new DurableSlaContext(context.Object).CallActivityAsync(SlaActivities.Publish, request));
    }

    [Fact]
    public void Continue_as_new_keeps_the_unprocessed_events()
    {
        var input = new TicketSlaInput(new TicketKey("acme", "T-1"), null!, null!, []);
        context.Setup(c => c.ContinueAsNew(input, true));

        new DurableSlaContext(context.Object).ContinueAsNew(input);

        context.VerifyAll();
    }
}

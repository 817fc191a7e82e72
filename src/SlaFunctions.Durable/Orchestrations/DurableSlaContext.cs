using Microsoft.DurableTask;
using NodaTime;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Durable.Orchestrations;

/// <summary>
/// <see cref="ISlaOrchestrationContext"/> on Durable's <see cref="TaskOrchestrationContext"/>: one context call
/// per member, as the port's doc comments map them.
/// </summary>
public sealed class DurableSlaContext(TaskOrchestrationContext context) : ISlaOrchestrationContext
{
    /// <summary>
    /// Activities talk to PostgreSQL and Service Bus: retried with backoff for about an hour and a half before
    /// the orchestration fails (and the reconciler hands the ticket to the polling engine).
    /// </summary>
    public static TaskOptions ActivityOptions { get; } =
        TaskOptions.FromRetryPolicy(
            new RetryPolicy(
                maxNumberOfAttempts: 20,
                firstRetryInterval: TimeSpan.FromSeconds(5),
                backoffCoefficient: 2.0,
                maxRetryInterval: TimeSpan.FromMinutes(5)
            )
        );

    public Instant CurrentInstant => DurableTime.ToInstant(context.CurrentUtcDateTime);

    public Task CreateTimer(Instant fireAt, CancellationToken cancellationToken) =>
        context.CreateTimer(DurableTime.FireAt(fireAt), cancellationToken);

    // The (name, CancellationToken) overload with no token: the (name, TimeSpan) helper would cancel waiters.
    public Task<SlaSignal> WaitForSignal() =>
        context.WaitForExternalEvent<SlaSignal>(SlaSignal.EventName, CancellationToken.None);

    public Task<TOutput> CallActivityAsync<TInput, TOutput>(SlaActivity<TInput, TOutput> activity, TInput input)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(activity);
        return context.CallActivityAsync<TOutput>(activity.Name, input, ActivityOptions);
    }

    public void ContinueAsNew(TicketSlaInput newInput) =>
        context.ContinueAsNew(newInput, preserveUnprocessedEvents: true);
}

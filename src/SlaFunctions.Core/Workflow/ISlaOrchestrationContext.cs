using NodaTime;

namespace SlaFunctions.Core.Workflow;

/// <summary>
/// What <see cref="TicketSlaWorkflow"/> needs from Durable's <c>TaskOrchestrationContext</c>, one member per
/// call. The Function App implements each member as the single context call named in its summary; the
/// tests implement it with a replaying fake.
/// </summary>
public interface ISlaOrchestrationContext
{
    /// <summary>
    /// <c>CurrentUtcDateTime</c> as an instant (<c>Instant.FromDateTimeUtc(DateTime.SpecifyKind(…,
    /// DateTimeKind.Utc))</c>):
    /// the replay-safe now, the same on every replay.
    /// </summary>
    Instant CurrentInstant { get; }

    /// <summary>
    /// <c>CreateTimer(fireAt.ToDateTimeUtc(), cancellationToken)</c>, with <paramref name="fireAt"/> rounded up to
    /// the next 100 ns tick so the timer never fires before the instant.
    /// </summary>
    Task CreateTimer(Instant fireAt, CancellationToken cancellationToken);

    /// <summary>
    /// <c>WaitForExternalEvent&lt;SlaSignal&gt;(SlaSignal.EventName)</c>. There is deliberately no cancellation
    /// token: a cancelled waiter still takes the next event of its name, so the workflow never cancels one.
    /// </summary>
    Task<SlaSignal> WaitForSignal();

    /// <summary>
    /// <c>CallActivityAsync&lt;TOutput&gt;(activity.Name, input, options)</c>; the host chooses the retry options.
    /// </summary>
    Task<TOutput> CallActivityAsync<TInput, TOutput>(SlaActivity<TInput, TOutput> activity, TInput input)
        where TInput : notnull;

    /// <summary>
    /// <c>ContinueAsNew(newInput, preserveUnprocessedEvents: true)</c>; the workflow returns right after.
    /// </summary>
    void ContinueAsNew(TicketSlaInput newInput);
}

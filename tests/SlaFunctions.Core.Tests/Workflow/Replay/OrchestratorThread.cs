namespace SlaFunctions.Core.Tests.Workflow.Replay;

/// <summary>
/// Runs orchestration code one step at a time on the calling thread, as Durable's executor does: every
/// continuation the step schedules runs before <see cref="Run"/> returns, so the code has reached its next
/// await on a durable task when the next history event is applied.
/// </summary>
internal sealed class OrchestratorThread : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> work = new();

    public override void Post(SendOrPostCallback d, object? state) => work.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Orchestration code must not block.");

    public override SynchronizationContext CreateCopy() => this;

    public void Run(Action step)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            step();
            while (work.TryDequeue(out var item))
            {
                item.Callback(item.State);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}

namespace SlaFunctions.FunctionApp.Tests.Engine;

/// <summary>Waits for a condition on a real-time engine, with a deadline instead of a fixed sleep.</summary>
public static class Eventually
{
    /// <summary>
    /// The delivery protocol's own bound: a raised signal that the instance lost is delivered again by its
    /// confirmation, <see cref="Core.Workflow.EventDeliveryWorkflow.ConfirmAfter"/> after the raise (seen on Azure
    /// Storage for a command right after a start), plus a minute for the engine under the whole suite.
    /// </summary>
    public static TimeSpan Deadline { get; } =
        Core.Workflow.EventDeliveryWorkflow.ConfirmAfter.ToTimeSpan() + TimeSpan.FromSeconds(60);

    public static Task HoldsAsync(string what, Func<Task<bool>> condition) => HoldsAsync(() => what, condition);

    public static async Task HoldsAsync(Func<string> what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {Deadline.TotalSeconds} s: {what()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}

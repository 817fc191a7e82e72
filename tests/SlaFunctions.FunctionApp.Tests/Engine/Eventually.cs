namespace SlaFunctions.FunctionApp.Tests.Engine;

/// <summary>Waits for a condition on a real-time engine, with a deadline instead of a fixed sleep.</summary>
public static class Eventually
{
    public static TimeSpan Deadline { get; } = TimeSpan.FromSeconds(60);

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

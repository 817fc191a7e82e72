namespace SlaFunctions.Durable.Instances;

/// <summary>
/// What Durable says of an orchestration instance (<c>OrchestrationRuntimeStatus</c>), plus
/// <see cref="Missing"/> when it knows no instance of that id.
/// </summary>
public enum InstanceState
{
    Missing,
    Pending,
    Running,
    Suspended,
    Completed,
    Failed,
    Terminated,
}

public static class InstanceStates
{
    /// <summary>The instance will still process events raised to it.</summary>
    public static bool IsAlive(this InstanceState state) =>
        state is InstanceState.Pending or InstanceState.Running or InstanceState.Suspended;
}

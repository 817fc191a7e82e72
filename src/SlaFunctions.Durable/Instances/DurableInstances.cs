using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NodaTime;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Orchestrations;

namespace SlaFunctions.Durable.Instances;

/// <summary>
/// What the hosts ask of Durable about ticket orchestrations, through one invocation's <see cref="DurableTaskClient"/>.
/// </summary>
public sealed class DurableInstances(DurableTaskClient client)
{
    public async Task<InstanceState> StateAsync(string instanceId, CancellationToken cancellationToken)
    {
        var metadata = await client.GetInstanceAsync(instanceId, false, cancellationToken);
        return metadata is null ? InstanceState.Missing : Map(metadata.RuntimeStatus);
    }

    /// <summary>
    /// Schedules the ticket's orchestration under its deterministic id. False when Durable refused because an
    /// instance with that id is pending or running: the start has happened already, which is success.
    /// </summary>
    public async Task<bool> StartTicketAsync(TicketSlaInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                SlaOrchestrations.TicketSla,
                input,
                new StartOrchestrationOptions(SlaInstanceId.For(input.Ticket)),
                cancellationToken
            );
            return true;
        }
        catch (Exception e) when (TransientFailures.IsAlreadyExists(e))
        {
            return false;
        }
    }

    /// <summary>Schedules a delivery; with an id, a repeat while the first runs is the same delivery.</summary>
    public async Task ScheduleDeliveryAsync(
        EventDeliveryInput input,
        string? instanceId,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                SlaOrchestrations.EventDelivery,
                input,
                instanceId is null ? null : new StartOrchestrationOptions(instanceId),
                cancellationToken
            );
        }
        catch (Exception e) when (TransientFailures.IsAlreadyExists(e)) { }
    }

    public Task RaiseAsync(string instanceId, SlaSignal signal, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(instanceId, SlaSignal.EventName, signal, cancellationToken);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the instance to leave Pending (its first episode ran).
    /// </summary>
    public Task AwaitStartAsync(string instanceId, Duration timeout, CancellationToken cancellationToken) =>
        WaitAsync(wait => client.WaitForInstanceStartAsync(instanceId, false, wait), timeout, cancellationToken);

    /// <summary>Waits up to <paramref name="timeout"/> for the instance to stop running.</summary>
    public Task AwaitCompletionAsync(string instanceId, Duration timeout, CancellationToken cancellationToken) =>
        WaitAsync(wait => client.WaitForInstanceCompletionAsync(instanceId, false, wait), timeout, cancellationToken);

    public static InstanceState Map(OrchestrationRuntimeStatus status) =>
        status switch
        {
            OrchestrationRuntimeStatus.Pending => InstanceState.Pending,
            OrchestrationRuntimeStatus.Suspended => InstanceState.Suspended,
            OrchestrationRuntimeStatus.Completed => InstanceState.Completed,
            OrchestrationRuntimeStatus.Failed => InstanceState.Failed,
            OrchestrationRuntimeStatus.Terminated => InstanceState.Terminated,
            _ => InstanceState.Running, // Running, and the obsolete ContinuedAsNew: a live instance
        };

    /// <summary>
    /// A wait that ends quietly at its timeout; the caller reads the instance's state afresh either way.
    /// </summary>
    private static async Task WaitAsync(
        Func<CancellationToken, Task> wait,
        Duration timeout,
        CancellationToken cancellationToken
    )
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout.ToTimeSpan());
        try
        {
            await wait(bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { }
    }
}

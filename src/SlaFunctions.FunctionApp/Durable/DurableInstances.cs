using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NodaTime;
using SlaFunctions.Core.Durable;
using SlaFunctions.Core.Workflow;
using SlaFunctions.FunctionApp.Hosting;

namespace SlaFunctions.FunctionApp.Durable;

/// <summary>What the hosts ask of Durable about ticket orchestrations, through one invocation's <see cref="DurableTaskClient"/>.</summary>
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
                Orchestrators.TicketSla, input, new StartOrchestrationOptions(SlaInstanceId.For(input.Ticket)), cancellationToken);
            return true;
        }
        catch (Exception e) when (TransientFailures.IsAlreadyExists(e))
        {
            return false;
        }
    }

    /// <summary>Schedules a delivery; with an id, a repeat while the first runs is the same delivery.</summary>
    public async Task ScheduleDeliveryAsync(EventDeliveryInput input, string? instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                Orchestrators.EventDelivery, input, instanceId is null ? null : new StartOrchestrationOptions(instanceId), cancellationToken);
        }
        catch (Exception e) when (TransientFailures.IsAlreadyExists(e))
        {
        }
    }

    public Task RaiseAsync(string instanceId, SlaSignal signal, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(instanceId, SlaSignal.EventName, signal, cancellationToken);

    /// <summary>Waits up to <paramref name="timeout"/> for the instance to leave Pending (its first episode ran).</summary>
    public async Task AwaitStartAsync(string instanceId, Duration timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout.ToTimeSpan());
        try
        {
            await client.WaitForInstanceStartAsync(instanceId, false, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the instance to stop running; returns its state then.</summary>
    public async Task<InstanceState> AwaitCompletionAsync(string instanceId, Duration timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout.ToTimeSpan());
        try
        {
            var metadata = await client.WaitForInstanceCompletionAsync(instanceId, false, wait.Token);
            return Map(metadata.RuntimeStatus);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await StateAsync(instanceId, cancellationToken);
        }
    }

    public static InstanceState Map(OrchestrationRuntimeStatus status) => status switch
    {
        OrchestrationRuntimeStatus.Pending => InstanceState.Pending,
        OrchestrationRuntimeStatus.Suspended => InstanceState.Suspended,
        OrchestrationRuntimeStatus.Completed => InstanceState.Completed,
        OrchestrationRuntimeStatus.Failed => InstanceState.Failed,
        OrchestrationRuntimeStatus.Terminated => InstanceState.Terminated,
        _ => InstanceState.Running, // Running, and the obsolete ContinuedAsNew: a live instance
    };
}

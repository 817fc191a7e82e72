using Microsoft.DurableTask;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Durable.Orchestrations;

/// <summary>
/// The orchestrations: each is its Core workflow on <see cref="DurableSlaContext"/>, registered under its name.
/// </summary>
/// <remarks>
/// The input is a parameter, not <c>context.GetInput&lt;T&gt;()</c>: the Functions host deserializes either way, but
/// the plain Durable Task worker only casts the input of an untyped orchestrator, so the same methods register
/// typed on any worker (<c>AddOrchestratorFunc&lt;TInput&gt;</c>) and run there unchanged.
/// </remarks>
public static class SlaOrchestrations
{
    /// <summary>One per ticket, instance id <c>SlaInstanceId.For(ticket)</c>.</summary>
    public const string TicketSla = "TicketSlaOrchestrator";

    /// <summary>Deliveries scheduled by correlation entities and ticket commands.</summary>
    public const string EventDelivery = "EventDeliveryOrchestrator";

    public static Task RunTicketSlaAsync(TaskOrchestrationContext context, TicketSlaInput? input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return TicketSlaWorkflow.RunAsync(new DurableSlaContext(context), input ?? throw MissingInput(context));
    }

    public static Task RunEventDeliveryAsync(TaskOrchestrationContext context, EventDeliveryInput? input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return EventDeliveryWorkflow.RunAsync(new DurableSlaContext(context), input ?? throw MissingInput(context));
    }

    private static InvalidOperationException MissingInput(TaskOrchestrationContext context) =>
        new($"{context.InstanceId} started without input.");
}

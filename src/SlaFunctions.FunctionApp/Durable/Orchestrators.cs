using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.FunctionApp.Durable;

/// <summary>The orchestrations: each is its Core workflow on <see cref="DurableSlaContext"/>.</summary>
public static class Orchestrators
{
    /// <summary>One per ticket, instance id <c>SlaInstanceId.For(ticket)</c>.</summary>
    public const string TicketSla = "TicketSlaOrchestrator";

    /// <summary>Deliveries scheduled by correlation entities and ticket commands.</summary>
    public const string EventDelivery = "EventDeliveryOrchestrator";

    [Function(TicketSla)]
    public static Task TicketSlaOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<TicketSlaInput>() ?? throw new InvalidOperationException($"{context.InstanceId} started without input.");
        return TicketSlaWorkflow.RunAsync(new DurableSlaContext(context), input);
    }

    [Function(EventDelivery)]
    public static Task EventDeliveryOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<EventDeliveryInput>() ?? throw new InvalidOperationException($"{context.InstanceId} started without input.");
        return EventDeliveryWorkflow.RunAsync(new DurableSlaContext(context), input);
    }
}

using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Orchestrations;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>The orchestration triggers: each binds one of <see cref="SlaOrchestrations"/> under its name.</summary>
public static class OrchestrationFunctions
{
    [Function(SlaOrchestrations.TicketSla)]
    public static Task TicketSlaOrchestrator(
        [OrchestrationTrigger] TaskOrchestrationContext context,
        TicketSlaInput? input
    ) => SlaOrchestrations.RunTicketSlaAsync(context, input);

    [Function(SlaOrchestrations.EventDelivery)]
    public static Task EventDeliveryOrchestrator(
        [OrchestrationTrigger] TaskOrchestrationContext context,
        EventDeliveryInput? input
    ) => SlaOrchestrations.RunEventDeliveryAsync(context, input);
}

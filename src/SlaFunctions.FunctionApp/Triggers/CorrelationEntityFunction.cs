using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Entities;
using SlaFunctions.Durable.Correlation;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>
/// The entity trigger of <see cref="CorrelationEntity"/>; kept off the entity class so that dispatch sees only its
/// operations.
/// </summary>
public static class CorrelationEntityFunction
{
    [Function(CorrelationEntity.Name)]
    public static Task Dispatch([EntityTrigger] TaskEntityDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        return dispatcher.DispatchAsync<CorrelationEntity>();
    }
}

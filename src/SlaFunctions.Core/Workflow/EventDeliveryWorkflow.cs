using NodaTime;

namespace SlaFunctions.Core.Workflow;

/// <summary>
/// Delivers events to ticket orchestrations on behalf of a correlation entity, which can only signal entities
/// and schedule orchestrations. Dead letters first, then each signal in order through an activity (apply,
/// raise or restart); then, after <see cref="ConfirmAfter"/>, each raised signal is confirmed, because
/// Durable drops an event raised on an instance whose code returns before reading it.
/// </summary>
public static class EventDeliveryWorkflow
{
    /// <summary>Long enough for a live orchestration to have stored what it was raised.</summary>
    internal static Duration ConfirmAfter { get; } = Duration.FromMinutes(2);

    public static async Task RunAsync(ISlaOrchestrationContext context, EventDeliveryInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        foreach (var letter in input.DeadLetters.IsDefault ? [] : input.DeadLetters)
        {
            await context.CallActivityAsync(SlaActivities.DeadLetter, letter);
        }

        var raised = new List<DeliverSignalRequest>();
        foreach (var request in input.Signals.IsDefault ? [] : input.Signals)
        {
            if (await context.CallActivityAsync(SlaActivities.Deliver, request) == DeliveryReceipt.Raised)
            {
                raised.Add(request);
            }
        }

        if (raised.Count == 0)
        {
            return;
        }

        await context.CreateTimer(context.CurrentInstant + ConfirmAfter, CancellationToken.None);
        foreach (var request in raised)
        {
            await context.CallActivityAsync(SlaActivities.Confirm, request);
        }
    }
}

using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Workflow;

/// <summary>
/// A ticket event sent to the ticket's running orchestration as the external event <see cref="EventName"/>.
/// </summary>
public sealed record SlaSignal(TicketEvent Event)
{
    /// <summary>The one external event name the orchestration waits for; Durable compares names without case.</summary>
    public const string EventName = "SlaSignal";
}

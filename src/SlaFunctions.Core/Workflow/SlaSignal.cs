using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Workflow;

/// <summary>
/// A ticket event sent to the ticket's running orchestration as the external event <see cref="EventName"/>, with
/// its receipt when it is to be judged late (SPEC §2 "Late events"); a signal without one is not judged.
/// </summary>
public sealed record SlaSignal(TicketEvent Event)
{
    /// <summary>The one external event name the orchestration waits for; Durable compares names without case.</summary>
    public const string EventName = "SlaSignal";

    public Receipt? Receipt { get; init; }
}

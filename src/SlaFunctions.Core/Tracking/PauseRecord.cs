using NodaTime;

namespace SlaFunctions.Core.Tracking;

/// <summary>One interval during which one pause reason held: a pausing status, or an explicit reason.</summary>
public sealed record PauseRecord(Instant From, Instant? To, string Reason, PauseSource Source);

public enum PauseSource
{
    Status,
    Explicit,
}

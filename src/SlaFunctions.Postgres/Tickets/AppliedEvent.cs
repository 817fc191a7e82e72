using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Postgres.Tickets;

/// <summary>One event of a group applied together: its effect and why, or why it was refused.</summary>
internal sealed record AppliedEvent(
    TicketEvent Event,
    EventEffect? Effect,
    string? Reason,
    InvalidInputException? Error
);

using System.Collections.Immutable;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// Everything a <see cref="TicketSla"/> is: the policy version it is bound to, the ticket's history and the
/// notifications already fired. Stored in PostgreSQL and carried by the durable orchestration alike.
/// </summary>
public sealed record SlaSnapshot(PolicyRef Policy, ImmutableArray<TicketEvent> Events, ImmutableArray<FiredNotification> Fired);

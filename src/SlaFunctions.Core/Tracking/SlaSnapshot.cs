using System.Collections.Immutable;
using System.Text.Json.Serialization;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// Everything a <see cref="TicketSla"/> is: the policy version it is bound to, the ticket's history and the
/// notifications already fired; once compacted, the events from its <see cref="Checkpoint"/> on (docs/decisions/0007).
/// Stored in PostgreSQL and carried by the durable orchestration alike; a snapshot without a checkpoint reads as
/// before.
/// </summary>
public sealed record SlaSnapshot(
    PolicyRef Policy,
    ImmutableArray<TicketEvent> Events,
    ImmutableArray<FiredNotification> Fired,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SlaCheckpoint? Checkpoint = null
);

using System.Collections.Immutable;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Workflow;

/// <summary>Notifications fired and already stored, to send to the sinks.</summary>
public sealed record PublishNotificationsRequest(TicketKey Ticket, ImmutableArray<FiredNotification> Notifications);

using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Postgres.Tickets;

/// <summary>A ticket's new SLA, to be stored if its row is still at <see cref="ExpectedVersion"/>.</summary>
internal sealed record SlaUpdate(TicketKey Ticket, TicketSla Sla, long ExpectedVersion);

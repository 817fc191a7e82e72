using System.Security.Cryptography;
using System.Text;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Service;

/// <summary>A fired notification as published to every sink (SPEC §6).</summary>
public sealed record NotificationMessage(
    Guid NotificationId,
    string TenantId,
    string TicketId,
    string Phase,
    int Cycle,
    string Kind,
    decimal Percent,
    int? Level,
    Instant DueAt,
    Instant FiredAt
)
{
    public static NotificationMessage From(TicketKey ticket, FiredNotification fired)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(fired);
        return new NotificationMessage(
            IdOf(ticket, fired.Slot),
            ticket.TenantId,
            ticket.TicketId,
            WireNames.Of(fired.Phase),
            fired.Cycle,
            WireNames.Of(fired.Kind),
            fired.Percent,
            fired.Level,
            fired.DueAt,
            fired.FiredAt
        );
    }

    /// <summary>
    /// The same id for the same slot of the same ticket, however many times it is computed: a store or a
    /// consumer recognises a repeat by id alone.
    /// </summary>
    public static Guid IdOf(TicketKey ticket, NotificationSlot slot)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var name = string.Join(
            '\u001f',
            ticket.TenantId,
            ticket.TicketId,
            slot.Cycle,
            slot.Phase,
            slot.Kind,
            slot.Ordinal.ToString("G29", System.Globalization.CultureInfo.InvariantCulture)
        );
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: name-based, custom hash
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

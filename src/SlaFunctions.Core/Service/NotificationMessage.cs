using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Service;

/// <summary>
/// A fired notification as published to every sink (SPEC §6); a retraction names the notification it withdraws in
/// <see cref="Retracts"/>.
/// </summary>
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
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? Retracts { get; init; }

    public static NotificationMessage From(TicketKey ticket, FiredNotification fired)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(fired);
        return new NotificationMessage(
            IdOf(ticket, fired),
            ticket.TenantId,
            ticket.TicketId,
            WireNames.Of(fired.Phase),
            fired.Cycle,
            WireNames.Of(fired.Kind),
            fired.Percent,
            fired.Level,
            fired.DueAt,
            fired.FiredAt
        )
        {
            Retracts = fired.IsRetraction ? IdOf(ticket, fired.Slot, fired.Revision, retraction: false) : null,
        };
    }

    /// <summary>
    /// The same id for the same notification of the same ticket (its slot and revision, and whether it is the
    /// retraction), however many times it is computed: a store or a consumer recognises a repeat by id alone.
    /// </summary>
    public static Guid IdOf(TicketKey ticket, FiredNotification fired)
    {
        ArgumentNullException.ThrowIfNull(fired);
        return IdOf(ticket, fired.Slot, fired.Revision, fired.IsRetraction);
    }

    private static Guid IdOf(TicketKey ticket, NotificationSlot slot, int revision, bool retraction)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        IEnumerable<object> parts =
        [
            ticket.TenantId,
            ticket.TicketId,
            slot.Cycle,
            slot.Phase,
            slot.Kind,
            slot.Ordinal.ToString("G29", System.Globalization.CultureInfo.InvariantCulture),
        ];
        // A first firing keeps the id it had before revisions existed.
        parts = revision == 0 ? parts : parts.Append($"revision {revision}");
        parts = retraction ? parts.Append("retraction") : parts;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts)));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: name-based, custom hash
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

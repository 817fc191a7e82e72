using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Durable.Instances;

/// <summary>
/// The orchestration instance id of a ticket's SLA: <c>sla-{tenant}-{ticket}</c>, the same for every start of
/// the same ticket, so a repeated start finds the instance that exists instead of creating a second one.
/// </summary>
/// <remarks>
/// Tenant and ticket ids may hold any visible character, but an instance id is a key in Azure Storage tables
/// (no <c>/ \ # ?</c>), <c>@</c> starts an entity id, and the tenant must not hold the separator, or
/// <c>a-b</c>/<c>c</c> and <c>a</c>/<c>b-c</c> would share an id. Ids outside the safe alphabet, or longer
/// than <see cref="MaxLength"/>, become <c>sla-{sha256}</c> instead: 64 hex digits and no second dash, which a
/// readable id always has, so the two forms cannot collide. The format is stored state: changing it orphans
/// running instances.
/// </remarks>
public static class SlaInstanceId
{
    public const string Prefix = "sla-";

    public const int MaxLength = 100;

    public const string DeliveryPrefix = "dlv-";

    public static string For(TicketKey ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentException.ThrowIfNullOrEmpty(ticket.TenantId);
        ArgumentException.ThrowIfNullOrEmpty(ticket.TicketId);
        var readable = $"{Prefix}{ticket.TenantId}-{ticket.TicketId}";
        if (readable.Length <= MaxLength && ticket.TenantId.All(IsTenantChar) && ticket.TicketId.All(IsTicketChar))
        {
            return readable;
        }

        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{ticket.TenantId.Length}:{ticket.TenantId}{ticket.TicketId}"
        );
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
    }

    /// <summary>
    /// The instance id of the delivery of a ticket event that has an id: a client that repeats the command
    /// while its delivery runs finds that delivery instead of starting a second one.
    /// </summary>
    public static string ForDelivery(TicketKey ticket, string eventId)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{ticket.TenantId.Length}:{ticket.TenantId}{ticket.TicketId.Length}:{ticket.TicketId}{eventId}"
        );
        return DeliveryPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
    }

    /// <summary>
    /// Whether an id can be used as an instance id as it is: what <see cref="For"/> produces always is.
    /// </summary>
    public static bool IsValid(string? instanceId) =>
        instanceId is { Length: > 0 and <= MaxLength }
        && instanceId.StartsWith(Prefix, StringComparison.Ordinal)
        && instanceId.All(IsTicketChar);

    private static bool IsTenantChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.';

    private static bool IsTicketChar(char c) => IsTenantChar(c) || c == '-';
}

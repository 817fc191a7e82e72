using System.Collections.Immutable;
using NodaTime;

namespace SlaFunctions.Core.Service;

/// <summary>
/// Notifications whose delivery to a sink used up its attempts: listed for operators, and sent again on request.
/// </summary>
public interface IDeadDeliveries
{
    /// <summary>A tenant's dead deliveries, oldest first, after the cursor of the last page's last item.</summary>
    Task<ImmutableArray<DeadDelivery>> ListAsync(
        string tenantId,
        DeadDeliveryCursor? after,
        int limit,
        CancellationToken cancellationToken = default
    );

    /// <summary>
    /// Makes dead deliveries pending again with a fresh set of attempts, due now: those of the given notifications
    /// (all of the tenant's when null), to the given sink (every sink when null). Returns how many.
    /// </summary>
    Task<int> RedeliverAsync(
        string tenantId,
        IReadOnlyCollection<Guid>? notificationIds,
        string? sink,
        CancellationToken cancellationToken = default
    );
}

public sealed record DeadDelivery(
    Guid NotificationId,
    string Sink,
    string? TicketId,
    int Attempts,
    string? LastError,
    Instant DeadAt,
    string Payload
)
{
    public DeadDeliveryCursor Cursor => new(DeadAt, NotificationId, Sink);
}

/// <summary>
/// Where a page of dead deliveries ended: written as <c>{deadAt}~{notificationId}~{sink}</c> in the API.
/// </summary>
public sealed record DeadDeliveryCursor(Instant DeadAt, Guid NotificationId, string Sink);

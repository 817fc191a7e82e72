using System.Collections.Immutable;
using System.Globalization;
using NodaTime;
using NodaTime.Text;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Api;

public sealed partial class SlaApi
{
    /// <summary>The most notifications one redeliver request may name.</summary>
    public const int MaxRedeliverIds = 500;

    /// <summary>
    /// <c>GET /api/tenants/{tenant}/dead-deliveries?after=&amp;limit=</c>: notifications whose delivery to a sink used
    /// up
    /// its attempts, oldest first, with the last error; <c>next</c> is the cursor of the following page.
    /// </summary>
    public Task<ApiResponse> DeadDeliveriesAsync(
        string? authorization,
        string tenant,
        string? after,
        string? limit,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var cursor = after is null ? null : ParseCursor(after);
                var take = QueryParameters.ParseInteger("limit", limit, fallback: 100, min: 1, max: 500);
                var items = await deliveries.ListAsync(tenant, cursor, take, cancellationToken);
                return ApiResponse.Ok(json =>
                {
                    json.WriteStartObject();
                    json.WriteStartArray("items");
                    foreach (var item in items)
                    {
                        json.WriteStartObject();
                        json.WriteString("notificationId", item.NotificationId);
                        json.WriteString("sink", item.Sink);
                        json.WriteString("ticketId", item.TicketId);
                        json.WriteNumber("attempts", item.Attempts);
                        json.WriteString("lastError", item.LastError);
                        json.WriteString("deadAt", IsoText.Format(item.DeadAt));
                        json.WriteString("payload", item.Payload);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    if (items.Length == take)
                    {
                        json.WriteString("next", FormatCursor(items[^1].Cursor));
                    }

                    json.WriteEndObject();
                });
            }
        );

    /// <summary>
    /// <c>POST /api/tenants/{tenant}/dead-deliveries/redeliver</c>: <c>{ notificationIds?, sink? }</c>. Makes those
    /// dead
    /// deliveries (all of the tenant's without <c>notificationIds</c>, to every sink without <c>sink</c>) pending again
    /// with a fresh set of attempts; answers how many.
    /// </summary>
    public Task<ApiResponse> RedeliverAsync(
        string? authorization,
        string tenant,
        string body,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var (ids, sink) = JsonInput.Read(
                    body,
                    input =>
                    {
                        input.AllowOnly("notificationIds", "sink");
                        var ids = input.Optional("notificationIds")?.Items().Select(AsGuid).ToImmutableArray();
                        if (ids is { Length: 0 or > MaxRedeliverIds })
                        {
                            throw input
                                .Required("notificationIds")
                                .Error($"must list 1 to {MaxRedeliverIds} notification ids (leave it out for all)");
                        }

                        return (ids, input.Optional("sink")?.AsName(100));
                    }
                );
                var count = await deliveries.RedeliverAsync(tenant, ids, sink, cancellationToken);
                return ApiResponse.Ok(json =>
                {
                    json.WriteStartObject();
                    json.WriteNumber("redelivered", count);
                    json.WriteEndObject();
                });
            }
        );

    public static string FormatCursor(DeadDeliveryCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return $"{IsoText.Format(cursor.DeadAt)}~{cursor.NotificationId}~{cursor.Sink}";
    }

    public static DeadDeliveryCursor ParseCursor(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('~');
        return
            parts.Length == 3
            && InstantPattern.ExtendedIso.Parse(parts[0]) is { Success: true } at
            && Guid.TryParse(parts[1], out var id)
            && parts[2].Length > 0
            ? new DeadDeliveryCursor(at.Value, id, parts[2])
            : throw new InvalidInputException("after", "must be the 'next' value of the previous page");
    }

    private static Guid AsGuid(JsonInput input) =>
        Guid.TryParse(input.AsText(), out var id) ? id : throw input.Error("must be a notification id (a UUID)");
}

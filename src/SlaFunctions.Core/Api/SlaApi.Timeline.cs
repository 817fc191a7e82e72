using SlaFunctions.Core.Rendering;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Core.Api;

public sealed partial class SlaApi
{
    /// <summary>
    /// <c>GET /api/tenants/{tenant}/tickets/{ticket}/sla/timeline.svg</c>: the stored SLA as of now, drawn
    /// (<see cref="TimelineSvg"/>) in the calendar of the policy version it is bound to. Same key as the status.
    /// </summary>
    public Task<ApiResponse> TimelineAsync(
        string? authorization,
        string tenant,
        string ticket,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var key = new TicketKey(tenant, ticket);
                var sla = await slas.GetSlaAsync(key, cancellationToken) ?? throw new SlaNotFoundException(key);
                return new ApiResponse(
                    200,
                    TimelineSvg.Render(sla.StatusNow(Now), sla.Policy),
                    TimelineSvg.ContentType
                );
            },
            ("ticket", ticket)
        );
}

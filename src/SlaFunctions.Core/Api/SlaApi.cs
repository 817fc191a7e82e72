using NodaTime;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Api;

/// <summary>
/// The HTTP API of SPEC §4 as plain handlers: route values, headers and body in, <see cref="ApiResponse"/>
/// out. The self-host's endpoints and the Function App's HTTP triggers only translate to and from these.
/// Every tenant route needs that tenant's API key (<c>Authorization: Bearer …</c>).
/// </summary>
public sealed partial class SlaApi(
    ITenantDirectory tenants,
    IDefinitionStore definitions,
    ISlaService slas,
    IEventIngestion events,
    IHealthProbe health,
    IClock clock,
    IDeadDeliveries deliveries,
    ISlaQueries queries,
    ITenantSettings tenantSettings,
    IRolloutPreviews rollouts,
    IRolloutRuns rolloutRuns
)
{
    /// <summary>The largest body accepted: a full batch of 500 events with room to spare.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// Authenticates the caller for the route's tenant, then runs the handler; input errors become problems.
    /// </summary>
    private async Task<ApiResponse> AsTenant(
        string? authorization,
        string tenant,
        Func<Task<ApiResponse>> handle,
        params (string Field, string? Value)[] routeIds
    )
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return Problem.Unauthorized("send the tenant's API key as 'Authorization: Bearer <key>'");
        }

        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length > 300)
        {
            return Problem.Unauthorized("the Authorization header must be 'Bearer <key>'");
        }

        var keyTenant = await tenants.AuthenticateAsync(authorization["Bearer ".Length..].Trim());
        if (keyTenant is null)
        {
            return Problem.Unauthorized("the API key is not valid");
        }

        try
        {
            Identifiers.Require(tenant, "tenant");
            if (!string.Equals(keyTenant, tenant, StringComparison.Ordinal))
            {
                return Problem.Forbidden(
                    $"the API key belongs to another tenant than '{Json.JsonInput.Truncate(tenant)}'"
                );
            }

            foreach (var (field, value) in routeIds)
            {
                Identifiers.Require(value, field);
            }

            return await handle();
        }
        catch (InvalidInputException e)
        {
            return e.IsConflict ? Problem.Conflict(e.Path, e.Problem)
                : e.IsTooLate ? Problem.TooLate(e.Path, e.Problem)
                : Problem.InvalidInput(e.Path, e.Problem);
        }
        catch (SlaNotFoundException e)
        {
            return Problem.NotFound(
                "ticket",
                $"ticket '{Json.JsonInput.Truncate(e.Ticket.TicketId)}' has no SLA (start it with POST …/sla)"
            );
        }
    }

    private Instant Now => clock.GetCurrentInstant();
}

using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Core.Api;

public sealed partial class SlaApi
{
    /// <summary><c>PUT /api/tenants/{tenant}/calendars/{id}</c>: the calendar's JSON (SPEC §3).</summary>
    public Task<ApiResponse> PutCalendarAsync(
        string? authorization,
        string tenant,
        string calendarId,
        string body,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var version = await definitions.PutCalendarAsync(tenant, calendarId, body, cancellationToken);
                return Versioned("calendarId", calendarId, version);
            },
            ("calendarId", calendarId)
        );

    /// <summary>
    /// <c>PUT /api/tenants/{tenant}/policies/{id}</c>: the policy's JSON (SPEC §3), naming one of the tenant's
    /// calendars.
    /// </summary>
    public Task<ApiResponse> PutPolicyAsync(
        string? authorization,
        string tenant,
        string policyId,
        string body,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var version = await definitions.PutPolicyAsync(tenant, policyId, body, cancellationToken);
                return Versioned("policyId", policyId, version);
            },
            ("policyId", policyId)
        );

    /// <summary><c>PUT /api/tenants/{tenant}/assignments/{clients|boards}/{id}</c>: <c>{ "policyId": … }</c>.</summary>
    public Task<ApiResponse> AssignAsync(
        string? authorization,
        string tenant,
        AssignmentScope scope,
        string scopeId,
        string body,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var policyId = JsonInput.Read(body, input => input.AllowOnly("policyId").Required("policyId").AsName());
                await definitions.AssignAsync(tenant, scope, scopeId, policyId, cancellationToken);
                return ApiResponse.Ok(json =>
                {
                    json.WriteStartObject();
                    json.WriteString(scope == AssignmentScope.Client ? "clientId" : "boardId", scopeId);
                    json.WriteString("policyId", policyId);
                    json.WriteEndObject();
                });
            },
            (scope == AssignmentScope.Client ? "clientId" : "boardId", scopeId)
        );

    /// <summary>
    /// <c>PUT /api/tenants/{tenant}/default-policy</c>: <c>{ "policyId": … }</c>, or null to clear it.
    /// </summary>
    public Task<ApiResponse> SetDefaultPolicyAsync(
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
                var policyId = JsonInput.Read(
                    body,
                    input => input.AllowOnly("policyId").Optional("policyId")?.AsName()
                );
                await definitions.SetDefaultPolicyAsync(tenant, policyId, cancellationToken);
                return ApiResponse.Ok(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("defaultPolicyId", policyId);
                    json.WriteEndObject();
                });
            }
        );

    private static ApiResponse Versioned(string idName, string id, int version) =>
        ApiResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString(idName, id);
            json.WriteNumber("version", version);
            json.WriteEndObject();
        });
}

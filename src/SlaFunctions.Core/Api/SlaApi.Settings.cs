using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Core.Api;

public sealed partial class SlaApi
{
    private const string ToleranceMinutes = "lateEventToleranceMinutes";

    /// <summary>
    /// <c>GET /api/tenants/{tenant}/settings</c>: the tenant's settings, the defaults where it set none.
    /// </summary>
    public Task<ApiResponse> GetSettingsAsync(
        string? authorization,
        string tenant,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () => SettingsAnswer(await tenantSettings.GetAsync(tenant, cancellationToken))
        );

    /// <summary>
    /// <c>PUT /api/tenants/{tenant}/settings</c>: <c>{ "lateEventToleranceMinutes": N }</c>, whole minutes from 0 to
    /// 10080 (7 days); answers the settings as stored.
    /// </summary>
    public Task<ApiResponse> PutSettingsAsync(
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
                var settings = JsonInput.Read(
                    body,
                    input =>
                        TenantSettings.FromToleranceMinutes(
                            input
                                .AllowOnly(ToleranceMinutes)
                                .Required(ToleranceMinutes)
                                .AsWholeNumber(0, TenantSettings.MaxLateEventToleranceMinutes),
                            $"$.{ToleranceMinutes}"
                        )
                );
                return SettingsAnswer(await tenantSettings.SetAsync(tenant, settings, cancellationToken));
            }
        );

    private static ApiResponse SettingsAnswer(TenantSettings settings) =>
        ApiResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteNumber(ToleranceMinutes, settings.LateEventTolerance.TotalMinutes);
            json.WriteEndObject();
        });
}

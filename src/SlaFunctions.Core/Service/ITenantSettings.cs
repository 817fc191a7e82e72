namespace SlaFunctions.Core.Service;

/// <summary>Each tenant's <see cref="TenantSettings"/>.</summary>
public interface ITenantSettings
{
    /// <summary>
    /// The tenant's settings; <see cref="TenantSettings.Default"/> for a tenant that set none (or is unknown).
    /// </summary>
    Task<TenantSettings> GetAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Stores the tenant's settings and answers them as stored; an unknown tenant is invalid input.</summary>
    Task<TenantSettings> SetAsync(
        string tenantId,
        TenantSettings settings,
        CancellationToken cancellationToken = default
    );
}

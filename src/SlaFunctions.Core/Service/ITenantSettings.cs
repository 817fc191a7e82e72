namespace SlaFunctions.Core.Service;

/// <summary>Each tenant's settings.</summary>
public interface ITenantSettings
{
    /// <summary>The tenant's settings; <see cref="TenantSettings.Default"/> for a tenant that set none (or is unknown).</summary>
    Task<TenantSettings> GetAsync(string tenantId, CancellationToken cancellationToken = default);

    Task<TenantSettings> SetAsync(string tenantId, TenantSettings settings, CancellationToken cancellationToken = default);
}

namespace SlaFunctions.Core.Service;

/// <summary>Who is calling: tenants and their API keys.</summary>
public interface ITenantDirectory
{
    /// <summary>The tenant a presented API key belongs to, or null for a malformed, unknown or revoked key.</summary>
    Task<string?> AuthenticateAsync(string token, CancellationToken cancellationToken = default);
}

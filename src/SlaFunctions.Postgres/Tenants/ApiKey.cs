using System.Security.Cryptography;
using System.Text;

namespace SlaFunctions.Postgres.Tenants;

/// <summary>
/// A tenant's API key as shown once to the operator: <c>sla_{keyId}_{secret}</c>. Only the SHA-256 of the
/// secret is stored (the secret is 256 random bits, so a fast hash is enough).
/// </summary>
public sealed record ApiKey(string TenantId, string KeyId, string Secret)
{
    private const string Prefix = "sla_";

    public string Token => $"{Prefix}{KeyId}_{Secret}";

    public static ApiKey Create(string tenantId) =>
        new(
            tenantId,
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))
        );

    /// <summary>Splits a presented token into key id and secret; null when it is not shaped like one.</summary>
    public static (string KeyId, string Secret)? Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200)
        {
            return null;
        }

        var rest = token[Prefix.Length..];
        var split = rest.IndexOf('_', StringComparison.Ordinal);
        return split is 12 && rest.Length > split + 1 ? (rest[..split], rest[(split + 1)..]) : null;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}

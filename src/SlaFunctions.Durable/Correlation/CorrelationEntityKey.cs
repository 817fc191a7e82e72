using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SlaFunctions.Durable.Correlation;

/// <summary>
/// The key of the durable entity that holds a correlation key's <see cref="CorrelationIndex"/>. Durable
/// entity ids (<c>@name@key</c>) must stay within 100 characters, and the same correlation key in two
/// tenants must be two entities.
/// </summary>
/// <remarks>
/// Short keys stay readable as <c>{tenant}/{key}</c>. Longer ones become <c>{tenant}/#{sha256}</c>, or
/// <c>#{sha256}</c> when even that is too long (or the tenant holds a slash). A readable key never starts
/// with <c>#</c> after the slash (such keys are hashed), and a fully hashed key has no slash, so the forms
/// cannot collide. The hash covers the length-prefixed tenant and the key, so it is tenant-scoped too.
/// The format is stored state: changing it orphans existing entities.
/// </remarks>
public static class CorrelationEntityKey
{
    internal const int MaxEntityIdLength = 100;

    public static string For(string entityName, string tenantId, string correlationKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(entityName);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(correlationKey);
        var limit = MaxEntityIdLength - entityName.Length - 2;
        var tenantIsReadable = !tenantId.Contains('/', StringComparison.Ordinal);
        var readable = $"{tenantId}/{correlationKey}";
        if (tenantIsReadable && !correlationKey.StartsWith('#') && readable.Length <= limit)
        {
            return readable;
        }

        var hash = Convert.ToHexStringLower(
            SHA256.HashData(
                Encoding.UTF8.GetBytes(
                    string.Create(CultureInfo.InvariantCulture, $"{tenantId.Length}:{tenantId}{correlationKey}")
                )
            )
        );
        var scoped = $"{tenantId}/#{hash}";
        var key = tenantIsReadable && scoped.Length <= limit ? scoped : "#" + hash;
        return key.Length <= limit
            ? key
            : throw new ArgumentException(
                $"The entity name leaves no room for a key of {key.Length} characters.",
                nameof(entityName)
            );
    }
}

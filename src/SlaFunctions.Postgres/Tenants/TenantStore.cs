using System.Security.Cryptography;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Postgres.Tenants;

/// <summary>Tenants, their API keys and their settings.</summary>
public sealed class TenantStore(NpgsqlDataSource dataSource, IClock clock) : ITenantDirectory, ITenantSettings
{
    private static readonly byte[] NoSuchKey = ApiKey.Hash("no such key");

    public async Task AddAsync(string tenantId, string name, CancellationToken cancellationToken = default)
    {
        Identifiers.Require(tenantId, "tenantId");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await Sql.ExecuteAsync(
            connection,
            "insert into tenants (tenant_id, name, created_at) values ($1, $2, $3) on conflict do nothing",
            cancellationToken,
            tenantId,
            name,
            clock.GetCurrentInstant()
        );
        if (inserted == 0)
        {
            throw new InvalidInputException("tenantId", $"tenant '{tenantId}' already exists");
        }
    }

    public async Task<bool> ExistsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await Sql.ScalarAsync<bool>(
            connection,
            "select exists (select 1 from tenants where tenant_id = $1)",
            cancellationToken,
            tenantId
        );
    }

    public async Task<ApiKey> CreateKeyAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        if (!await ExistsAsync(tenantId, cancellationToken))
        {
            throw new InvalidInputException("tenantId", $"tenant '{tenantId}' does not exist");
        }

        var key = ApiKey.Create(tenantId);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Sql.ExecuteAsync(
            connection,
            "insert into api_keys (tenant_id, key_id, key_hash, created_at) values ($1, $2, $3, $4)",
            cancellationToken,
            tenantId,
            key.KeyId,
            ApiKey.Hash(key.Secret),
            clock.GetCurrentInstant()
        );
        return key;
    }

    public async Task<bool> RevokeKeyAsync(string tenantId, string keyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await Sql.ExecuteAsync(
                connection,
                "update api_keys set revoked_at = $3 where tenant_id = $1 and key_id = $2 and revoked_at is null",
                cancellationToken,
                tenantId,
                keyId,
                clock.GetCurrentInstant()
            ) == 1;
    }

    /// <summary>The tenant a presented key belongs to, or null for a malformed, unknown or revoked key.</summary>
    public async Task<string?> AuthenticateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (ApiKey.Parse(token) is not var (keyId, secret))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Sql.Command(
            connection,
            "select tenant_id, key_hash from api_keys where key_id = $1 and revoked_at is null",
            keyId
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = await reader.ReadAsync(cancellationToken);
        var stored = found ? (byte[])reader[1] : NoSuchKey;
        // Compare in constant time even for an unknown key id, so timing tells nothing about keys.
        var matches = CryptographicOperations.FixedTimeEquals(stored, ApiKey.Hash(secret));
        return found && matches ? reader.GetString(0) : null;
    }

    public async Task<TenantSettings> GetAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await TenantSettingsSql.ReadAsync(connection, tenantId, cancellationToken);
    }

    public async Task<TenantSettings> SetAsync(
        string tenantId,
        TenantSettings settings,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await TenantSettingsSql.WriteAsync(connection, tenantId, settings, cancellationToken)
            ?? throw new InvalidInputException("tenantId", $"tenant '{tenantId}' does not exist");
    }
}

using NodaTime;
using Npgsql;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Postgres.Tenants;

/// <summary>Reads a tenant's settings inside a caller's connection (and transaction).</summary>
internal static class TenantSettingsSql
{
    public static async Task<TenantSettings> ReadAsync(
        NpgsqlConnection connection,
        string tenantId,
        CancellationToken cancellationToken
    )
    {
        var seconds = await Sql.ScalarAsync<int?>(
            connection,
            "select late_event_tolerance_seconds from tenants where tenant_id = $1",
            cancellationToken,
            tenantId
        );
        return seconds is { } value ? new TenantSettings(Duration.FromSeconds(value)) : TenantSettings.Default;
    }
}

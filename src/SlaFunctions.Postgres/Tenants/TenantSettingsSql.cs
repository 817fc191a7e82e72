using NodaTime;
using Npgsql;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Postgres.Tenants;

/// <summary>
/// The SQL of <see cref="TenantSettings"/> on <c>tenants</c> (migration 0008), on a connection the caller holds: a
/// command path reads the tolerance inside its own transaction, the store opens a connection for each call.
/// </summary>
internal static class TenantSettingsSql
{
    /// <summary>
    /// The tenant's settings as the connection sees them (within its transaction, if one is open);
    /// <see cref="TenantSettings.Default"/> for a tenant that set none or is unknown.
    /// </summary>
    public static async Task<TenantSettings> ReadAsync(
        NpgsqlConnection connection,
        string tenantId,
        CancellationToken cancellationToken
    ) =>
        Of(
            await Sql.ScalarAsync<int?>(
                connection,
                "select late_event_tolerance_seconds from tenants where tenant_id = $1",
                cancellationToken,
                tenantId
            )
        );

    /// <summary>Stores the tenant's settings and answers them as stored; null when there is no such tenant.</summary>
    public static async Task<TenantSettings?> WriteAsync(
        NpgsqlConnection connection,
        string tenantId,
        TenantSettings settings,
        CancellationToken cancellationToken
    )
    {
        await using var command = Sql.Command(
            connection,
            """
            update tenants set late_event_tolerance_seconds = $2 where tenant_id = $1
            returning late_event_tolerance_seconds
            """,
            tenantId,
            (int)settings.LateEventTolerance.TotalSeconds
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? Of(await reader.IsDBNullAsync(0, cancellationToken) ? null : reader.GetInt32(0))
            : null;
    }

    private static TenantSettings Of(int? toleranceSeconds) =>
        toleranceSeconds is { } seconds ? new(Duration.FromSeconds(seconds)) : TenantSettings.Default;
}

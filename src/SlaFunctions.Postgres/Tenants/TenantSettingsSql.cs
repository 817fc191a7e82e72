using NodaTime;
using Npgsql;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Postgres.Tenants;

/// <summary>
/// The SQL of <see cref="TenantSettings"/> on <c>tenants</c> (migration 0008), on a connection the caller holds: a
/// ticket's row is read with its tenant's tolerance in the same statement (<see cref="ToleranceOf"/>, by
/// <c>StoredSla.LoadAsync</c> for a command or a delivery on either backend); the store opens a connection for each
/// call.
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

    /// <summary>The tolerance column of a tenant as a scalar subquery, for a statement that reads a ticket row.</summary>
    public static string ToleranceOf(string tenantIdColumn) =>
        $"(select late_event_tolerance_seconds from tenants where tenants.tenant_id = {tenantIdColumn})";

    /// <summary>The settings of a stored tolerance; <see cref="TenantSettings.Default"/> for null.</summary>
    public static TenantSettings Of(int? toleranceSeconds) =>
        toleranceSeconds is { } seconds ? new(Duration.FromSeconds(seconds)) : TenantSettings.Default;
}

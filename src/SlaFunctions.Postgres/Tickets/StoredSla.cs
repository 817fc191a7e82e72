using NodaTime;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Tenants;

namespace SlaFunctions.Postgres.Tickets;

/// <summary>A ticket's SLA as read from its row, with the row version it was read at.</summary>
internal sealed record StoredSla(TicketKey Ticket, TicketSla Sla, long Version, Instant? NextWakeAt, SlaBackend Backend)
{
    public const string Columns =
        "tenant_id, ticket_id, policy_id, policy_version, snapshot::text, version, next_wake_at, backend";

    /// <summary>
    /// The row (locked for a command when <paramref name="forUpdate"/>), with its tenant's settings read in the same
    /// statement: one round trip for everything a command or a delivery needs to judge an event.
    /// </summary>
    public static async Task<(StoredSla Stored, TenantSettings Settings)?> LoadAsync(
        NpgsqlConnection connection,
        PolicyCache policies,
        TicketKey ticket,
        bool forUpdate,
        CancellationToken cancellationToken
    )
    {
        await using var command = Sql.Command(
            connection,
            $"""
            select {Columns}, {TenantSettingsSql.ToleranceOf("ticket_slas.tenant_id")} from ticket_slas
            where tenant_id = $1 and ticket_id = $2{(forUpdate ? " for update of ticket_slas" : string.Empty)}
            """,
            ticket.TenantId,
            ticket.TicketId
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var row = Read(reader);
        var settings = TenantSettingsSql.Of(reader.IsDBNull(8) ? null : reader.GetInt32(8));
        await reader.CloseAsync();
        return (await row.RestoreAsync(policies, cancellationToken), settings);
    }

    public static Row Read(NpgsqlDataReader reader) =>
        new(
            new TicketKey(reader.GetString(0), reader.GetString(1)),
            new PolicyRef(reader.GetString(2), reader.GetInt32(3)),
            reader.GetString(4),
            reader.GetInt64(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<Instant>(6),
            SlaBackendNames.Parse(reader.GetString(7))
        );

    /// <summary>The raw row, before its policy is compiled and its snapshot restored.</summary>
    public sealed record Row(
        TicketKey Ticket,
        PolicyRef Policy,
        string Snapshot,
        long Version,
        Instant? NextWakeAt,
        SlaBackend Backend
    )
    {
        public async Task<StoredSla> RestoreAsync(PolicyCache policies, CancellationToken cancellationToken)
        {
            var policy = await policies.GetAsync(Ticket.TenantId, Policy, cancellationToken);
            return new StoredSla(
                Ticket,
                TicketSla.Restore(policy, SlaJson.DeserializeSnapshot(Snapshot)),
                Version,
                NextWakeAt,
                Backend
            );
        }
    }
}

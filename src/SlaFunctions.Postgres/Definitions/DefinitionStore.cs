using System.Collections.Immutable;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Postgres.Definitions;

/// <summary>
/// Calendars and policies of a tenant, versioned. Putting a calendar that changed creates a new version of
/// it and of every policy that uses it (new tickets get the new hours; running ones keep their version).
/// Putting an unchanged definition changes nothing.
/// </summary>
public sealed class DefinitionStore(NpgsqlDataSource dataSource, IClock clock) : IDefinitionStore
{
    public async Task<int> PutCalendarAsync(
        string tenantId,
        string calendarId,
        string json,
        CancellationToken cancellationToken = default
    )
    {
        Identifiers.Require(calendarId, "calendarId");
        JsonInput.Read(json, CalendarJson.Read);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockDefinitionsAsync(connection, tenantId, cancellationToken);
        var (latest, same) = await LatestAsync(
            connection,
            "calendars",
            "calendar_id",
            tenantId,
            calendarId,
            json,
            cancellationToken
        );
        if (same)
        {
            return latest;
        }

        var version = latest + 1;
        var now = clock.GetCurrentInstant();
        await Sql.ExecuteAsync(
            connection,
            "insert into calendars (tenant_id, calendar_id, version, definition, created_at) values ($1, $2, $3, $4::jsonb, $5)",
            cancellationToken,
            tenantId,
            calendarId,
            version,
            json,
            now
        );
        // Every policy whose latest version uses this calendar gets a version on the new one.
        await Sql.ExecuteAsync(
            connection,
            """
            insert into policies (tenant_id, policy_id, version, definition, calendar_id, calendar_version, created_at)
            select p.tenant_id, p.policy_id, p.version + 1, p.definition, p.calendar_id, $3, $4
            from policies p
            where p.tenant_id = $1 and p.calendar_id = $2
              and p.version = (select max(version) from policies q where q.tenant_id = p.tenant_id and q.policy_id = p.policy_id)
            """,
            cancellationToken,
            tenantId,
            calendarId,
            version,
            now
        );
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    public async Task<int> PutPolicyAsync(
        string tenantId,
        string policyId,
        string json,
        CancellationToken cancellationToken = default
    )
    {
        Identifiers.Require(policyId, "policyId");
        var calendarId = JsonInput.Read(json, input => input.Required("calendar").AsName());
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockDefinitionsAsync(connection, tenantId, cancellationToken);
        var calendar =
            await LatestCalendarAsync(connection, tenantId, calendarId, cancellationToken)
            ?? throw new InvalidInputException("$.calendar", $"'{calendarId}' is not a calendar of this tenant");
        new PolicyDefinition(new PolicyRef(policyId, 0), json, calendar.Json).Compile();

        var latest =
            await Sql.ScalarAsync<int?>(
                connection,
                "select max(version) from policies where tenant_id = $1 and policy_id = $2",
                cancellationToken,
                tenantId,
                policyId
            ) ?? 0;
        var unchanged =
            latest > 0
            && await Sql.ScalarAsync<bool>(
                connection,
                """
                select definition = $4::jsonb and calendar_version = $5 from policies
                where tenant_id = $1 and policy_id = $2 and version = $3
                """,
                cancellationToken,
                tenantId,
                policyId,
                latest,
                json,
                calendar.Version
            );
        if (unchanged)
        {
            return latest;
        }

        await Sql.ExecuteAsync(
            connection,
            """
            insert into policies (tenant_id, policy_id, version, definition, calendar_id, calendar_version, created_at)
            values ($1, $2, $3, $4::jsonb, $5, $6, $7)
            """,
            cancellationToken,
            tenantId,
            policyId,
            latest + 1,
            json,
            calendarId,
            calendar.Version,
            clock.GetCurrentInstant()
        );
        await transaction.CommitAsync(cancellationToken);
        return latest + 1;
    }

    /// <summary>
    /// One writer of a tenant's definitions at a time: a calendar write versions the policies on it and a policy
    /// write pins the latest calendar, so per-definition locks would let a policy pin a calendar version that
    /// is being replaced, or two writers take the same policy version.
    /// </summary>
    private static Task LockDefinitionsAsync(
        NpgsqlConnection connection,
        string tenantId,
        CancellationToken cancellationToken
    ) => Sql.LockAsync(connection, $"definitions/{tenantId}", cancellationToken);

    /// <summary>One version of a policy with the calendar version it pins, or null.</summary>
    public async Task<PolicyDefinition?> GetPolicyAsync(
        string tenantId,
        PolicyRef policy,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(policy);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadPolicyAsync(
            connection,
            """
            select p.version, p.definition::text, c.definition::text from policies p
            join calendars c on c.tenant_id = p.tenant_id and c.calendar_id = p.calendar_id and c.version = p.calendar_version
            where p.tenant_id = $1 and p.policy_id = $2 and p.version = $3
            """,
            tenantId,
            policy.Id,
            policy.Version,
            cancellationToken
        );
    }

    public async Task<PolicyDefinition?> GetLatestPolicyAsync(
        string tenantId,
        string policyId,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadPolicyAsync(
            connection,
            """
            select p.version, p.definition::text, c.definition::text from policies p
            join calendars c on c.tenant_id = p.tenant_id and c.calendar_id = p.calendar_id and c.version = p.calendar_version
            where p.tenant_id = $1 and p.policy_id = $2 order by p.version desc limit 1
            """,
            tenantId,
            policyId,
            null,
            cancellationToken
        );
    }

    /// <summary>
    /// The latest version of each policy whose latest version is on the calendar, by policy id; null when the tenant has
    /// no such calendar.
    /// </summary>
    public async Task<ImmutableArray<PolicyRef>?> LatestOnCalendarAsync(
        string tenantId,
        string calendarId,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Sql.Command(
            connection,
            """
            select p.policy_id, p.version, exists (select 1 from calendars where tenant_id = $1 and calendar_id = $2)
            from (select 1) one
            left join (
                select distinct on (policy_id) policy_id, version, calendar_id from policies where tenant_id = $1
                order by policy_id, version desc
            ) p on p.calendar_id = $2
            order by p.policy_id
            """,
            tenantId,
            calendarId
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = ImmutableArray.CreateBuilder<PolicyRef>();
        var known = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            known = reader.GetBoolean(2);
            if (!reader.IsDBNull(0))
            {
                versions.Add(new PolicyRef(reader.GetString(0), reader.GetInt32(1)));
            }
        }

        return known ? versions.ToImmutable() : null;
    }

    public async Task AssignAsync(
        string tenantId,
        AssignmentScope scope,
        string scopeId,
        string policyId,
        CancellationToken cancellationToken = default
    )
    {
        Identifiers.Require(scopeId, scope == AssignmentScope.Client ? "clientId" : "boardId");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (
            !await Sql.ScalarAsync<bool>(
                connection,
                "select exists (select 1 from policies where tenant_id = $1 and policy_id = $2)",
                cancellationToken,
                tenantId,
                policyId
            )
        )
        {
            throw new InvalidInputException("policyId", $"'{policyId}' is not a policy of this tenant");
        }

        await Sql.ExecuteAsync(
            connection,
            """
            insert into policy_assignments (tenant_id, scope, scope_id, policy_id) values ($1, $2, $3, $4)
            on conflict (tenant_id, scope, scope_id) do update set policy_id = excluded.policy_id
            """,
            cancellationToken,
            tenantId,
            scope == AssignmentScope.Client ? "client" : "board",
            scopeId,
            policyId
        );
    }

    public async Task SetDefaultPolicyAsync(
        string tenantId,
        string? policyId,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (
            policyId is not null
            && !await Sql.ScalarAsync<bool>(
                connection,
                "select exists (select 1 from policies where tenant_id = $1 and policy_id = $2)",
                cancellationToken,
                tenantId,
                policyId
            )
        )
        {
            throw new InvalidInputException("policyId", $"'{policyId}' is not a policy of this tenant");
        }

        await Sql.ExecuteAsync(
            connection,
            "update tenants set default_policy_id = $2 where tenant_id = $1",
            cancellationToken,
            tenantId,
            policyId
        );
    }

    /// <summary>
    /// The latest version of the policy a start gets: the one it names, else its client's, its board's, or the
    /// tenant default, in one query.
    /// </summary>
    public async Task<PolicyDefinition> ResolveLatestPolicyAsync(
        string tenantId,
        string? policyId,
        string? clientId,
        string? boardId,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Sql.Command(
            connection,
            """
            with chosen as (
                select coalesce($2,
                    (select policy_id from policy_assignments where tenant_id = $1 and scope = 'client' and scope_id = $3),
                    (select policy_id from policy_assignments where tenant_id = $1 and scope = 'board' and scope_id = $4),
                    (select default_policy_id from tenants where tenant_id = $1)) as policy_id)
            select chosen.policy_id, p.version, p.definition::text, c.definition::text from chosen
            left join lateral (select * from policies where tenant_id = $1 and policy_id = chosen.policy_id order by version desc limit 1) p on true
            left join calendars c on c.tenant_id = p.tenant_id and c.calendar_id = p.calendar_id and c.version = p.calendar_version
            """,
            tenantId,
            policyId,
            clientId,
            boardId
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var chosen = reader.IsDBNull(0)
            ? throw new InvalidInputException(
                "policyId",
                "is required: no policy is assigned to the ticket's client or board, and the tenant has no default"
            )
            : reader.GetString(0);
        return reader.IsDBNull(1)
            ? throw new InvalidInputException("policyId", $"'{chosen}' is not a policy of this tenant")
            : new PolicyDefinition(new PolicyRef(chosen, reader.GetInt32(1)), reader.GetString(2), reader.GetString(3));
    }

    /// <summary>
    /// The policy for a ticket whose start names none: its client's, then its board's, then the tenant default.
    /// </summary>
    public async Task<string?> ResolvePolicyIdAsync(
        string tenantId,
        string? clientId,
        string? boardId,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await Sql.ScalarAsync<string>(
            connection,
            """
            select coalesce(
                (select policy_id from policy_assignments where tenant_id = $1 and scope = 'client' and scope_id = $2),
                (select policy_id from policy_assignments where tenant_id = $1 and scope = 'board' and scope_id = $3),
                (select default_policy_id from tenants where tenant_id = $1))
            """,
            cancellationToken,
            tenantId,
            clientId,
            boardId
        );
    }

    private static async Task<(int Latest, bool Same)> LatestAsync(
        NpgsqlConnection connection,
        string table,
        string idColumn,
        string tenantId,
        string id,
        string json,
        CancellationToken cancellationToken
    )
    {
        await using var command = Sql.Command(
            connection,
            $"select version, definition = $3::jsonb from {table} where tenant_id = $1 and {idColumn} = $2 order by version desc limit 1",
            tenantId,
            id,
            json
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetBoolean(1)) : (0, false);
    }

    private static async Task<(int Version, string Json)?> LatestCalendarAsync(
        NpgsqlConnection connection,
        string tenantId,
        string calendarId,
        CancellationToken cancellationToken
    )
    {
        await using var command = Sql.Command(
            connection,
            "select version, definition::text from calendars where tenant_id = $1 and calendar_id = $2 order by version desc limit 1",
            tenantId,
            calendarId
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetString(1)) : null;
    }

    private static async Task<PolicyDefinition?> ReadPolicyAsync(
        NpgsqlConnection connection,
        string sql,
        string tenantId,
        string policyId,
        int? version,
        CancellationToken cancellationToken
    )
    {
        await using var command = Sql.Command(connection, sql, tenantId, policyId);
        if (version is { } v)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = v, NpgsqlDbType = NpgsqlDbType.Integer });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PolicyDefinition(
                new PolicyRef(policyId, reader.GetInt32(0)),
                reader.GetString(1),
                reader.GetString(2)
            )
            : null;
    }
}

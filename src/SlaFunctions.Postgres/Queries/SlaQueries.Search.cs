using System.Collections.Immutable;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Postgres.Queries;

public sealed partial class SlaQueries
{
    private static readonly string[] AllPhases = [.. Enum.GetValues<SlaPhase>().Select(WireNames.Of)];

    private async Task<SlaSearchPage> SearchAsync(
        NpgsqlConnection connection,
        string tenantId,
        SlaSearch search,
        Instant now,
        CancellationToken cancellationToken
    )
    {
        var args = new SqlArguments();
        var conditions = new List<string> { $"t.tenant_id = {args.Add(tenantId)}" };
        var at = args.Add(now, "timestamptz");
        var join = string.Empty;
        if (search.RemainingBelow is { } below)
        {
            join = await RemainingJoinAsync(connection, tenantId, now, below, args, cancellationToken);
        }

        var horizon = search.BreachesWithin is { } within ? args.Add(now + within, "timestamptz") : null;
        var phases = search.Phase is { } phase ? [WireNames.Of(phase)] : AllPhases;
        var perPhase = phases.Select(p => PhaseCondition(p, search, at, horizon, args)).OfType<string>().ToList();
        if (perPhase.Count > 0)
        {
            conditions.Add($"({string.Join(" or ", perPhase)})");
        }

        // Implied by the phase conditions, stated so that the breach index can narrow the rows first. A window of
        // running phases needs no such help: each phase's running index holds exactly its candidates.
        if (
            horizon is null
            && search.RemainingBelow is null
            && !search.States.IsEmpty
            && search.States.All(s => s == PhaseOutcome.Breached)
        )
        {
            conditions.Add($"t.breach_at <= {at}");
        }

        if (search.Phase is null)
        {
            AddBound(conditions, "t.open_due_at", "<", search.DueBefore, args);
            AddBound(conditions, "t.open_due_at", ">=", search.DueAfter, args);
        }

        if (search.EverBreached is { } ever)
        {
            conditions.Add(
                ever
                    ? $"(t.breached or t.breach_at <= {at})"
                    : $"(not t.breached and (t.breach_at is null or t.breach_at > {at}))"
            );
        }

        AddAny(conditions, "t.priority", search.Priorities, args);
        AddAny(conditions, "t.policy_id", search.PolicyIds, args);
        AddAny(conditions, "t.client_id", search.ClientIds, args);
        AddAny(conditions, "t.board_id", search.BoardIds, args);
        AddBound(conditions, "t.ticket_created_at", "<", search.CreatedBefore, args);
        AddBound(conditions, "t.ticket_created_at", ">=", search.CreatedAfter, args);
        AddBound(conditions, "t.updated_at", ">=", search.UpdatedSince, args);

        var (key, descending) = SortKey(search.Sort);
        var direction = descending ? "desc" : "asc";
        if (search.After is { } after)
        {
            var cursorKey = search.Sort is SlaSort.DueAt or SlaSort.DueAtDescending
                ? $"coalesce({args.Add(after.Key, "timestamptz")}, 'infinity'::timestamptz)"
                : args.Add(after.Key, "timestamptz");
            conditions.Add(
                $"({key}, t.ticket_id) {(descending ? "<" : ">")} ({cursorKey}, {args.Add(after.TicketId)})"
            );
        }

        var sql = $"""
            select t.ticket_id, t.policy_id, t.policy_version, t.snapshot::text, t.open_due_at, t.ticket_created_at, t.updated_at
            from ticket_slas t{join}
            where {string.Join("\n  and ", conditions)}
            order by {key} {direction}, t.ticket_id {direction}
            limit {args.Add(search.Limit + 1)}
            """;
        var rows = new List<(string TicketId, PolicyRef Policy, string Snapshot, Instant? Key)>();
        await using (var command = Sql.Command(connection, sql, args.Values))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var keyColumn = search.Sort switch
                {
                    SlaSort.DueAt or SlaSort.DueAtDescending => 4,
                    SlaSort.CreatedAt or SlaSort.CreatedAtDescending => 5,
                    _ => 6,
                };
                rows.Add(
                    (
                        reader.GetString(0),
                        new PolicyRef(reader.GetString(1), reader.GetInt32(2)),
                        reader.GetString(3),
                        reader.IsDBNull(keyColumn) ? null : reader.GetFieldValue<Instant>(keyColumn)
                    )
                );
            }
        }

        var items = ImmutableArray.CreateBuilder<SlaSearchItem>(Math.Min(rows.Count, search.Limit));
        foreach (var row in rows.Take(search.Limit))
        {
            var policy = await policies.GetAsync(tenantId, row.Policy, cancellationToken);
            var sla = TicketSla.Restore(policy, SlaJson.DeserializeSnapshot(row.Snapshot));
            items.Add(new SlaSearchItem(row.TicketId, row.Policy.Id, sla.StatusNow(now)));
        }

        var last = rows.Count > search.Limit ? rows[search.Limit - 1] : default;
        return new SlaSearchPage(
            items.MoveToImmutable(),
            rows.Count > search.Limit ? new SearchCursor(search.Sort, last.Key, last.TicketId) : null
        );
    }

    /// <summary>The conditions one phase must meet together; null when the search puts none on phases.</summary>
    private static string? PhaseCondition(string p, SlaSearch search, string at, string? horizon, SqlArguments args)
    {
        var all = new List<string>();
        if (!search.States.IsEmpty)
        {
            all.Add($"({string.Join(" or ", search.States.Distinct().Select(s => State(p, s, at)))})");
        }

        if (horizon is not null)
        {
            all.Add($"t.{p}_outcome = 'running' and t.{p}_due_at > {at} and t.{p}_due_at <= {horizon}");
        }

        if (search.RemainingBelow is not null)
        {
            all.Add(
                $"t.{p}_outcome = 'running' and t.{p}_due_at > {at} and t.{p}_due_at < coalesce(r.reach, 'infinity'::timestamptz)"
            );
        }

        if (search.Phase is not null)
        {
            all.Add($"t.{p}_outcome is not null");
            AddBound(all, $"t.{p}_due_at", "<", search.DueBefore, args);
            AddBound(all, $"t.{p}_due_at", ">=", search.DueAfter, args);
        }

        return all.Count == 0 ? null : $"({string.Join(" and ", all)})";
    }

    /// <summary>A phase's state as of the request: a running phase whose due instant has come is breached.</summary>
    private static string State(string p, PhaseOutcome state, string at) =>
        state switch
        {
            PhaseOutcome.Running => $"(t.{p}_outcome = 'running' and t.{p}_due_at > {at})",
            PhaseOutcome.Breached =>
                $"(t.{p}_outcome = 'breached' or (t.{p}_outcome = 'running' and t.{p}_due_at <= {at}))",
            _ => $"t.{p}_outcome = '{WireNames.Of(state)}'",
        };

    private static (string Key, bool Descending) SortKey(SlaSort sort) =>
        sort switch
        {
            SlaSort.DueAt => ("coalesce(t.open_due_at, 'infinity'::timestamptz)", false),
            SlaSort.DueAtDescending => ("coalesce(t.open_due_at, 'infinity'::timestamptz)", true),
            SlaSort.CreatedAt => ("t.ticket_created_at", false),
            SlaSort.CreatedAtDescending => ("t.ticket_created_at", true),
            SlaSort.UpdatedAt => ("t.updated_at", false),
            _ => ("t.updated_at", true),
        };

    /// <summary>
    /// For a remaining-business-time bound, each policy version's and priority's instant at which that much
    /// business time will have passed from now on its clock: a running phase has less left exactly when it is
    /// due before that instant. A ticket is joined on the version in force (a rollout's, else its start's).
    /// </summary>
    private async Task<string> RemainingJoinAsync(
        NpgsqlConnection connection,
        string tenantId,
        Instant now,
        Duration below,
        SqlArguments args,
        CancellationToken cancellationToken
    )
    {
        var versions = new List<PolicyRef>();
        await using (
            var command = Sql.Command(
                connection,
                "select policy_id, version from policies where tenant_id = $1",
                tenantId
            )
        )
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                versions.Add(new PolicyRef(reader.GetString(0), reader.GetInt32(1)));
            }
        }

        var reaches = new List<(string PolicyId, int Version, string Priority, Instant? Reach)>();
        foreach (var version in versions)
        {
            var policy = await policies.GetAsync(tenantId, version, cancellationToken);
            reaches.AddRange(
                policy.Targets.Select(t =>
                    (version.Id, version.Version, t.Key, policy.ClockFor(t.Value).AddBusinessTime(now, below))
                )
            );
        }

        return $"""

            left join unnest({args.Add(reaches.Select(r => r.PolicyId).ToArray(), "text[]")}, {args.Add(
                reaches.Select(r => r.Version).ToArray(),
                "int[]"
            )},
                {args.Add(reaches.Select(r => r.Priority).ToArray(), "text[]")}, {args.Add(
                reaches.Select(r => r.Reach).ToArray(),
                "timestamptz[]"
            )})
                as r(policy_id, policy_version, priority, reach)
                on r.policy_id = t.policy_id and r.priority = t.priority
                    and r.policy_version = coalesce(t.policy_version_in_force, t.policy_version)
            """;
    }

    private static void AddBound(
        List<string> conditions,
        string column,
        string comparison,
        Instant? bound,
        SqlArguments args
    )
    {
        if (bound is { } value)
        {
            conditions.Add($"{column} {comparison} {args.Add(value, "timestamptz")}");
        }
    }

    private static void AddAny(List<string> conditions, string column, ImmutableArray<string> values, SqlArguments args)
    {
        if (!values.IsEmpty)
        {
            conditions.Add($"{column} = any({args.Add(values.ToArray(), "text[]")})");
        }
    }
}

using System.Collections.Immutable;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Postgres.Queries;

public sealed partial class SlaQueries
{
    private static async Task<ImmutableArray<ComplianceGroup>> ComplianceAsync(
        NpgsqlConnection connection,
        string tenantId,
        ComplianceQuery query,
        Instant now,
        CancellationToken cancellationToken
    )
    {
        var args = new SqlArguments();
        var tenant = args.Add(tenantId);
        var at = args.Add(now, "timestamptz");
        var from = args.Add(query.From, "timestamptz");
        var to = args.Add(query.To, "timestamptz");
        var zone = args.Add(query.Zone.Id, "text");
        var keys = query.GroupBy.Select(g => GroupKey(g, zone)).ToList();
        var selected = keys.Count == 0 ? string.Empty : string.Join(", ", keys) + ", ";
        var grouping =
            keys.Count == 0
                ? string.Empty
                : $"group by {string.Join(", ", Enumerable.Range(1, keys.Count))} order by {string.Join(", ", Enumerable.Range(1, keys.Count))}";
        // Each ticket row carries two phases; they are judged as of the request (a running phase whose due instant
        // has come is breached) and counted at the instant that settled them.
        var sql = $"""
            with phases as (
                select t.priority, t.policy_id, t.client_id, t.board_id, p.phase, p.due_at, p.completed_at, p.stopped_at, p.elapsed, p.target,
                    case when p.outcome = 'running' and p.due_at <= {at} then 'breached' else p.outcome end as state
                from ticket_slas t
                cross join lateral (values
                    ('response', t.response_outcome, t.response_due_at, t.response_completed_at, t.response_stopped_at, t.response_elapsed, t.response_target),
                    ('resolution', t.resolution_outcome, t.resolution_due_at, t.resolution_completed_at, t.resolution_stopped_at, t.resolution_elapsed, t.resolution_target))
                    as p(phase, outcome, due_at, completed_at, stopped_at, elapsed, target)
                where t.tenant_id = {tenant} and p.outcome is not null
            ),
            counted as (
                select *, case
                        when completed_at is not null then completed_at
                        when state = 'breached' then due_at
                        when state = 'cancelled' then stopped_at
                    end as counted_at
                from phases
            )
            select {selected}
                count(*) filter (where state = 'met'),
                count(*) filter (where state = 'breached'),
                count(*) filter (where state = 'cancelled'),
                count(*) filter (where state = 'breached' and stopped_at is null),
                percentile_cont(0.5) within group (order by extract(epoch from elapsed)) filter (where completed_at is not null),
                percentile_cont(0.9) within group (order by extract(epoch from elapsed)) filter (where completed_at is not null),
                coalesce(sum(greatest(extract(epoch from elapsed - target), 0)) filter (where state = 'breached' and stopped_at is not null), 0)
            from counted
            where counted_at >= {from} and counted_at < {to}
            {grouping}
            """;
        await using var command = Sql.Command(connection, sql, args.Values);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var groups = ImmutableArray.CreateBuilder<ComplianceGroup>();
        var n = keys.Count;
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = Enumerable
                .Range(0, n)
                .Select(i => reader.IsDBNull(i) ? null : reader.GetString(i))
                .ToImmutableArray();
            var group = new ComplianceGroup(
                values,
                reader.GetInt64(n),
                reader.GetInt64(n + 1),
                reader.GetInt64(n + 2),
                reader.GetInt64(n + 3),
                Seconds(reader.IsDBNull(n + 4) ? null : reader.GetDouble(n + 4)),
                Seconds(reader.IsDBNull(n + 5) ? null : reader.GetDouble(n + 5)),
                Seconds((double)reader.GetDecimal(n + 6))!.Value
            );
            // Without grouping the aggregate answers one row even over nothing: an empty window has no groups.
            if (n > 0 || group.Met + group.Breached + group.Cancelled > 0)
            {
                groups.Add(group);
            }
        }

        return groups.ToImmutable();
    }

    private static string GroupKey(ComplianceGroupBy by, string zone) =>
        by switch
        {
            ComplianceGroupBy.Phase => "phase",
            ComplianceGroupBy.Priority => "priority",
            ComplianceGroupBy.Policy => "policy_id",
            ComplianceGroupBy.Client => "client_id",
            ComplianceGroupBy.Board => "board_id",
            ComplianceGroupBy.Day => $"to_char(counted_at at time zone {zone}, 'YYYY-MM-DD')",
            ComplianceGroupBy.Week => $"to_char(counted_at at time zone {zone}, 'IYYY-\"W\"IW')",
            _ => $"to_char(counted_at at time zone {zone}, 'YYYY-MM')",
        };

    // Business times are stored to the microsecond; a percentile may fall between two of them.
    private static Duration? Seconds(double? seconds) =>
        seconds is { } s ? Duration.FromMilliseconds(Math.Round(s * 1000, MidpointRounding.AwayFromZero)) : null;
}

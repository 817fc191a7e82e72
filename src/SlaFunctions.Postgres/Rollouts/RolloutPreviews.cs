using System.Collections.Immutable;
using Npgsql;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres.Rollouts;

/// <summary>
/// A rollout's dry run over the stored tickets: every open ticket the plan matches is read in ticket-id order, a
/// batch at a time, and previewed by <see cref="RolloutPreview"/>; the summary counts them all, the page lists those
/// after the cursor. Nothing is written.
/// </summary>
public sealed class RolloutPreviews(NpgsqlDataSource dataSource, DefinitionStore definitions, PolicyCache policies)
    : IRolloutPreviews
{
    private const int Batch = 500;

    public async Task<RolloutPreviewPage> PreviewAsync(
        string tenantId,
        RolloutPlan plan,
        string? after,
        int limit,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(plan);
        var next = await CompiledAsync(tenantId, plan, cancellationToken);
        var summary = RolloutSummary.Empty;
        var page = ImmutableArray.CreateBuilder<TicketPreview>();
        var more = false;
        string? last = null;
        var looked = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            var rows = await OpenRowsAsync(connection, tenantId, plan, last, after, cancellationToken);
            foreach (var row in rows)
            {
                var sla = (await row.Stored.RestoreAsync(policies, cancellationToken)).Sla;
                var version = next[plan.VersionFor(row.Stored.Policy.Id)];
                if (RolloutPreview.Of(row.Stored.Ticket.TicketId, sla, version, plan.EffectiveAt) is not { } preview)
                {
                    continue;
                }

                if (!plan.InStates(preview))
                {
                    continue;
                }

                summary = summary.Add(preview);
                if (row.InPage)
                {
                    if (page.Count < limit)
                    {
                        page.Add(preview);
                    }
                    else
                    {
                        more = true;
                    }
                }
            }

            looked += rows.Count;
            progress?.Report(looked);
            if (rows.Count < Batch)
            {
                break;
            }

            last = rows[^1].Stored.Ticket.TicketId;
        }

        return new RolloutPreviewPage(summary, page.ToImmutable(), more ? page[^1].TicketId : null);
    }

    /// <summary>The plan's versions compiled, each checked to exist (a policy's naming the field it came from).</summary>
    internal async Task<Dictionary<PolicyRef, SlaPolicy>> CompiledAsync(
        string tenantId,
        RolloutPlan plan,
        CancellationToken cancellationToken
    )
    {
        if (plan.Versions.IsEmpty)
        {
            throw new ArgumentException("A calendar's plan is looked up before it is run.", nameof(plan));
        }

        var compiled = new Dictionary<PolicyRef, SlaPolicy>();
        foreach (var version in plan.Versions)
        {
            var definition =
                await definitions.GetPolicyAsync(tenantId, version, cancellationToken)
                ?? throw (
                    await definitions.GetLatestPolicyAsync(tenantId, version.Id, cancellationToken) is { } latest
                        ? new InvalidInputException(
                            "$.version",
                            $"policy '{version.Id}' has no version {version.Version} (its latest is {latest.Ref.Version})"
                        )
                        : new InvalidInputException("$.policyId", $"'{version.Id}' is not a policy of this tenant")
                );
            compiled[version] = policies.Compile(tenantId, definition);
        }

        return compiled;
    }

    public async Task<ImmutableArray<PolicyRef>> VersionsOnCalendarAsync(
        string tenantId,
        string calendarId,
        CancellationToken cancellationToken = default
    )
    {
        var versions =
            await definitions.LatestOnCalendarAsync(tenantId, calendarId, cancellationToken)
            ?? throw new InvalidInputException("$.calendarId", $"'{calendarId}' is not a calendar of this tenant");
        return versions.IsEmpty
            ? throw new InvalidInputException(
                "$.calendarId",
                $"no policy's latest version is on calendar '{calendarId}'"
            )
            : versions;
    }

    /// <summary>
    /// A batch of the plan's tickets with a phase not yet stopped, after <paramref name="last"/>, each marked whether
    /// it comes after the page's cursor: both compared by the database, in its own order of ticket ids.
    /// </summary>
    private static async Task<List<(StoredSla.Row Stored, bool InPage)>> OpenRowsAsync(
        NpgsqlConnection connection,
        string tenantId,
        RolloutPlan plan,
        string? last,
        string? after,
        CancellationToken cancellationToken
    )
    {
        await using var command = Sql.Command(
            connection,
            $"""
            select {StoredSla.Columns}, ($7::text is null or ticket_id > $7) from ticket_slas
            where tenant_id = $1 and ($2::text is null or ticket_id > $2)
              and (response_stopped_at is null or resolution_stopped_at is null)
              and policy_id = any($3)
              and (cardinality($4::text[]) = 0 or priority = any($4))
              and (cardinality($5::text[]) = 0 or client_id = any($5))
              and (cardinality($6::text[]) = 0 or board_id = any($6))
            order by ticket_id limit {Batch}
            """,
            tenantId,
            (object?)last ?? DBNull.Value,
            plan.CurrentPolicies.ToArray(),
            plan.Priorities.IsDefault ? Array.Empty<string>() : plan.Priorities.ToArray(),
            plan.ClientIds.IsDefault ? Array.Empty<string>() : plan.ClientIds.ToArray(),
            plan.BoardIds.IsDefault ? Array.Empty<string>() : plan.BoardIds.ToArray(),
            (object?)after ?? DBNull.Value
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(StoredSla.Row, bool)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((StoredSla.Read(reader), reader.GetBoolean(8)));
        }

        return rows;
    }
}

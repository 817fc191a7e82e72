using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres.Rollouts;

/// <summary>
/// Rollouts on PostgreSQL (migration 0010). A batch is one transaction: the rollout's row is claimed with
/// <c>skip locked</c> (one worker per rollout at a time), then up to <see cref="BatchSize"/> of its tickets after the
/// cursor, also <c>skip locked</c> (a ticket the engine holds is left for the sweep). Each ticket is judged as the
/// dry run judges it; a polling ticket is changed in the same transaction, a durable one is signalled through
/// <see cref="IRolloutDelivery"/>, and every ticket reached gets its <c>rollout_tickets</c> row in it, so a batch
/// that did not commit is done again and a ticket never twice (the change's id is the rollout's, which the engine
/// takes once). The first pass goes forward from its cursor, so it never meets a ticket it reached; past the last
/// ticket it analyzes <c>rollout_tickets</c> (so that the planner probes the rows it now has rather than scanning them
/// per ticket) and sweeps from the start for matching tickets without a row (those a lock kept from the pass, and
/// tickets that matched since); the rollout is done when a sweep finds none left, locked or not.
/// </summary>
public sealed class RolloutRuns(
    NpgsqlDataSource dataSource,
    PolicyCache policies,
    RolloutPreviews previews,
    PostgresSlaService tickets,
    IClock clock,
    ILogger<RolloutRuns> logger
) : IRolloutRuns
{
    /// <summary>How long a worker waits, when there was no batch to apply, before it looks again.</summary>
    public static TimeSpan IdleWait { get; } = TimeSpan.FromSeconds(1);

    /// <summary>How many tickets a batch takes at most: 500, as the dry run reads them.</summary>
    internal int BatchSize { get; init; } = 500;

    /// <summary>What a ticket the plan's filter leaves out is recorded as, so that the sweep passes it.</summary>
    private const string NotMatched = "notMatched";

    public async Task<RolloutProgress> StartAsync(
        string tenantId,
        RolloutPlan plan,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(plan);
        var dryRun = await previews.PreviewAsync(tenantId, plan, null, 1, null, cancellationToken);
        var id = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Sql.ExecuteAsync(
            connection,
            """
            insert into rollouts (tenant_id, rollout_id, effective_at, plan, total, state, created_at)
            values ($1, $2, $3, $4::jsonb, $5, 'running', $6)
            """,
            cancellationToken,
            tenantId,
            id,
            plan.EffectiveAt,
            JsonSerializer.Serialize(plan, SlaJson.Options),
            dryRun.Summary.Matched,
            clock.GetCurrentInstant()
        );
        return (await GetAsync(tenantId, id, cancellationToken))!;
    }

    public async Task<RolloutProgress?> GetAsync(
        string tenantId,
        Guid rolloutId,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, tenantId, rolloutId, cancellationToken);
    }

    public async Task<RolloutProgress?> CancelAsync(
        string tenantId,
        Guid rolloutId,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Waits for a batch in flight: what it changed stays changed, nothing after it is.
        await Sql.ExecuteAsync(
            connection,
            """
            update rollouts set state = 'cancelled', finished_at = $3
            where tenant_id = $1 and rollout_id = $2 and state = 'running'
            """,
            cancellationToken,
            tenantId,
            rolloutId,
            clock.GetCurrentInstant()
        );
        return await ReadAsync(connection, tenantId, rolloutId, cancellationToken);
    }

    /// <summary>
    /// Applies batches until cancelled, through database outages (<see cref="ResilientLoop"/>); idle, it looks again
    /// every <see cref="IdleWait"/>. Durable tickets are left to a worker that can signal them.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var loop = new ResilientLoop("The rollout worker", dataSource, logger);
        return loop.RunAsync(
            async ct =>
            {
                var reached = await ApplyBatchAsync(null, ct);
                loop.Succeeded();
                if (reached == 0)
                {
                    await Task.Delay(IdleWait, ct);
                }
            },
            cancellationToken
        );
    }

    public async Task<int> ApplyBatchAsync(IRolloutDelivery? delivery, CancellationToken cancellationToken = default)
    {
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await ClaimAsync(connection, now, cancellationToken) is not { } claimed)
        {
            return 0;
        }

        var (tenantId, id, plan, cursor, sweeping) = claimed;
        var definitions = new Dictionary<PolicyRef, (PolicyDefinition Definition, SlaPolicy Compiled)>();
        foreach (var version in plan.Versions)
        {
            var definition = await policies.GetDefinitionAsync(tenantId, version, cancellationToken);
            definitions[version] = (definition, policies.Compile(tenantId, definition));
        }

        var tolerance = (await TenantSettingsSql.ReadAsync(connection, tenantId, cancellationToken)).LateEventTolerance;
        var matching = Matching(delivery is not null, sweeping);
        var rows = await TicketsAsync(connection, matching, tenantId, id, plan, cursor, cancellationToken);
        var reached = new List<(string TicketId, string Effect, string? Reason)>(rows.Count);
        foreach (var row in rows)
        {
            var stored = await row.RestoreAsync(policies, cancellationToken);
            var (definition, next) = definitions[plan.VersionFor(row.Policy.Id)];
            reached.Add(
                await ApplyAsync(
                    connection,
                    stored,
                    id,
                    plan,
                    definition,
                    next,
                    tolerance,
                    delivery,
                    now,
                    cancellationToken
                )
            );
        }

        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(
            Sql.BatchCommand(
                """
                insert into rollout_tickets (tenant_id, rollout_id, ticket_id, effect, reason, at)
                select $1, $2, t, e, r, $6 from unnest($3::text[], $4::text[], $5::text[]) as u(t, e, r)
                """,
                tenantId,
                id,
                reached.Select(r => r.TicketId).ToArray(),
                reached.Select(r => r.Effect).ToArray(),
                reached.Select(r => r.Reason).ToArray(),
                now
            )
        );
        if (rows.Count == BatchSize)
        {
            batch.BatchCommands.Add(
                Sql.BatchCommand(
                    "update rollouts set cursor_ticket_id = $3 where tenant_id = $1 and rollout_id = $2",
                    tenantId,
                    id,
                    rows[^1].Ticket.TicketId
                )
            );
        }
        else if (
            sweeping
            && cursor is null
            && rows.Count == 0
            && !await AnyLeftAsync(connection, tenantId, id, plan, cancellationToken)
        )
        {
            batch.BatchCommands.Add(
                Sql.BatchCommand(
                    "update rollouts set state = 'done', finished_at = $3 where tenant_id = $1 and rollout_id = $2",
                    tenantId,
                    id,
                    now
                )
            );
        }
        else
        {
            // Past the last ticket: the next batch sweeps from the start.
            batch.BatchCommands.Add(
                Sql.BatchCommand(
                    "update rollouts set cursor_ticket_id = null, swept = true where tenant_id = $1 and rollout_id = $2",
                    tenantId,
                    id
                )
            );
            if (!sweeping)
            {
                batch.BatchCommands.Add(Sql.BatchCommand("analyze rollout_tickets"));
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>One ticket of a batch: left out by the filter, skipped with the dry run's reason, or changed.</summary>
    private async Task<(string TicketId, string Effect, string? Reason)> ApplyAsync(
        NpgsqlConnection connection,
        StoredSla stored,
        Guid id,
        RolloutPlan plan,
        PolicyDefinition definition,
        SlaPolicy next,
        Duration tolerance,
        IRolloutDelivery? delivery,
        Instant now,
        CancellationToken cancellationToken
    )
    {
        var ticketId = stored.Ticket.TicketId;
        if (stored.Sla.Created.At > plan.EffectiveAt)
        {
            return (ticketId, WireNames.Of(RolloutEffect.Skipped), "created after the change took effect");
        }

        var preview = RolloutPreview.Of(ticketId, stored.Sla, next, plan.EffectiveAt);
        if (preview is null || !plan.InStates(preview))
        {
            return (ticketId, NotMatched, null);
        }

        if (preview.Skipped is { } reason)
        {
            return (ticketId, WireNames.Of(RolloutEffect.Skipped), reason);
        }

        var change = new TicketDefinitionsChanged(plan.EffectiveAt, definition) { Id = ChangeId(id) };
        if (stored.Backend == SlaBackend.Polling)
        {
            var (sla, applied) = tickets.Fold(stored.Sla, [change], now, new Receipt(plan.EffectiveAt, tolerance));
            if (applied[0].Error is { } error)
            {
                return (ticketId, WireNames.Of(RolloutEffect.Skipped), error.Message);
            }

            await tickets.WriteAsync(
                connection,
                stored,
                tolerance,
                sla,
                applied,
                ImmutableDictionary<string, string?>.Empty,
                now,
                cancellationToken
            );
        }
        else
        {
            await (delivery ?? throw new InvalidOperationException("no durable delivery")).DeliverAsync(
                stored.Ticket,
                change,
                cancellationToken
            );
        }

        return (ticketId, WireNames.Of(preview.Effect), null);
    }

    /// <summary>The id of a rollout's change on every ticket: the engine applies an id once.</summary>
    public static string ChangeId(Guid rolloutId) => $"rollout-{rolloutId:N}";

    private static async Task<(string TenantId, Guid Id, RolloutPlan Plan, string? Cursor, bool Sweeping)?> ClaimAsync(
        NpgsqlConnection connection,
        Instant now,
        CancellationToken cancellationToken
    )
    {
        await using var command = Sql.Command(
            connection,
            """
            select tenant_id, rollout_id, plan::text, cursor_ticket_id, swept from rollouts
            where state = 'running' and effective_at <= $1
            order by effective_at, created_at limit 1 for update skip locked
            """,
            now
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (
            reader.GetString(0),
            reader.GetGuid(1),
            JsonSerializer.Deserialize<RolloutPlan>(reader.GetString(2), SlaJson.Options)!,
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetBoolean(4)
        );
    }

    /// <summary>
    /// The plan's open tickets this rollout has not reached, after the cursor (from the start when there is none), a
    /// batch, locked; those another transaction holds are skipped. Durable tickets only where they can be signalled.
    /// </summary>
    private async Task<List<StoredSla.Row>> TicketsAsync(
        NpgsqlConnection connection,
        string matching,
        string tenantId,
        Guid id,
        RolloutPlan plan,
        string? cursor,
        CancellationToken cancellationToken
    )
    {
        await using var command = Sql.Command(
            connection,
            $"""
            select {StoredSla.Columns} from ticket_slas t
            where {matching} and ($7::text is null or ticket_id > $7)
            order by ticket_id limit {BatchSize} for update of t skip locked
            """,
            [.. MatchingParameters(tenantId, id, plan), (object?)cursor ?? DBNull.Value]
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StoredSla.Row>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(StoredSla.Read(reader));
        }

        return rows;
    }

    /// <summary>
    /// Whether any matching ticket has no row yet, whichever backend drives it: a worker that cannot signal durable
    /// tickets leaves the rollout running for one that can.
    /// </summary>
    private static async Task<bool> AnyLeftAsync(
        NpgsqlConnection connection,
        string tenantId,
        Guid id,
        RolloutPlan plan,
        CancellationToken cancellationToken
    ) =>
        await Sql.ScalarAsync<bool>(
            connection,
            $"select exists (select 1 from ticket_slas t where {Matching(canSignal: true, sweeping: true)})",
            cancellationToken,
            MatchingParameters(tenantId, id, plan)
        );

    /// <summary>
    /// The dry run's selection ($1–$6), less the tickets it cannot signal and, in a sweep, those the rollout reached.
    /// </summary>
    private static string Matching(bool canSignal, bool sweeping) =>
        $"""
            tenant_id = $1
              and (response_stopped_at is null or resolution_stopped_at is null)
              and policy_id = any($3)
              and (cardinality($4::text[]) = 0 or priority = any($4))
              and (cardinality($5::text[]) = 0 or client_id = any($5))
              and (cardinality($6::text[]) = 0 or board_id = any($6))
              {(
                sweeping
                    ? "and not exists (select 1 from rollout_tickets r where r.tenant_id = $1 and r.rollout_id = $2 and r.ticket_id = t.ticket_id)"
                    : string.Empty
            )}
              {(canSignal ? string.Empty : "and backend = 'polling'")}
            """;

    private static object?[] MatchingParameters(string tenantId, Guid id, RolloutPlan plan) =>
        [
            tenantId,
            id,
            plan.CurrentPolicies.ToArray(),
            plan.Priorities.IsDefault ? Array.Empty<string>() : plan.Priorities.ToArray(),
            plan.ClientIds.IsDefault ? Array.Empty<string>() : plan.ClientIds.ToArray(),
            plan.BoardIds.IsDefault ? Array.Empty<string>() : plan.BoardIds.ToArray(),
        ];

    private async Task<RolloutProgress?> ReadAsync(
        NpgsqlConnection connection,
        string tenantId,
        Guid id,
        CancellationToken cancellationToken
    )
    {
        await using var command = Sql.Command(
            connection,
            """
            select r.plan::text, r.state, r.total, r.created_at, r.finished_at, r.effective_at, t.effect, t.reason, count(t.ticket_id)::int
            from rollouts r left join rollout_tickets t using (tenant_id, rollout_id)
            where r.tenant_id = $1 and r.rollout_id = $2
            group by r.plan::text, r.state, r.total, r.created_at, r.finished_at, r.effective_at, t.effect, t.reason
            """,
            tenantId,
            id
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        RolloutProgress? progress = null;
        var summary = RolloutSummary.Empty;
        var done = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            progress ??= new RolloutProgress(
                tenantId,
                id,
                JsonSerializer.Deserialize<RolloutPlan>(reader.GetString(0), SlaJson.Options)!,
                reader.GetString(1) switch
                {
                    "running" when reader.GetFieldValue<Instant>(5) > clock.GetCurrentInstant() =>
                        RolloutState.Scheduled,
                    "running" => RolloutState.Running,
                    "cancelled" => RolloutState.Cancelled,
                    _ => RolloutState.Done,
                },
                reader.GetInt32(2),
                0,
                summary,
                reader.GetFieldValue<Instant>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<Instant>(4)
            );
            if (reader.IsDBNull(6) || reader.GetString(6) == NotMatched)
            {
                continue;
            }

            var count = reader.GetInt32(8);
            done += count;
            summary = summary.Add(
                WireNames.ParseRolloutEffect(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                count
            );
        }

        return progress is null ? null : progress with { Done = done, Applied = summary };
    }
}

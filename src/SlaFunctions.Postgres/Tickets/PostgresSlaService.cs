using System.Collections.Immutable;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Definitions;

namespace SlaFunctions.Postgres.Tickets;

/// <summary>
/// <see cref="ISlaService"/> on PostgreSQL. Each operation is one transaction: load the row with a lock,
/// apply, fire what is due now, store snapshot, projections, wake-up, notifications and audit.
/// </summary>
public sealed class PostgresSlaService(
    NpgsqlDataSource dataSource, DefinitionStore definitions, PolicyCache policies, IClock clock, SlaStoreOptions options) : ISlaService
{
    public async Task<SlaChange> StartAsync(TicketKey ticket, StartRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(request);
        Identifiers.Require(ticket.TicketId, "ticketId");
        var now = clock.GetCurrentInstant();
        var createdAt = NotInFuture(request.CreatedAt ?? now, now, "createdAt");
        var policyId = request.PolicyId
            ?? await definitions.ResolvePolicyIdAsync(ticket.TenantId, request.ClientId, request.BoardId, cancellationToken)
            ?? throw new InvalidInputException("policyId", "is required: no policy is assigned to the ticket's client or board, and the tenant has no default");
        var definition = await definitions.GetLatestPolicyAsync(ticket.TenantId, policyId, cancellationToken)
            ?? throw new InvalidInputException("policyId", $"'{policyId}' is not a policy of this tenant");
        var policy = await policies.GetAsync(ticket.TenantId, definition.Ref, cancellationToken);
        var started = TicketSla.Start(policy, new TicketCreated(createdAt, request.Priority) { Id = request.Id });
        var firing = started.FireDue(now);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlBatch(connection))
        {
            TicketSlaWrites.Insert(insert, ticket, firing.Sla, options.Backend, now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            if (insert.BatchCommands[0].RecordsAffected == 0)
            {
                var existing = await StoredSla.LoadAsync(connection, policies, ticket, forUpdate: false, cancellationToken);
                return new SlaChange(EventEffect.Duplicate, "the SLA has already started", existing!.Sla.StatusAt(Later(existing.Sla, now)), []);
            }
        }

        await using (var batch = new NpgsqlBatch(connection))
        {
            foreach (var key in request.CorrelationKeys.Prepend(ticket.TicketId).Distinct(StringComparer.Ordinal))
            {
                batch.BatchCommands.Add(Sql.BatchCommand("insert into correlation_keys (tenant_id, correlation_key, ticket_id) values ($1, $2, $3) on conflict do nothing",
                    ticket.TenantId, Identifiers.Require(key, "correlationKeys"), ticket.TicketId));
            }

            TicketSlaWrites.Fired(batch, ticket, firing.Fired, options.Sinks, now);
            TicketSlaWrites.Audit(batch, ticket, now, "started", new { policy = definition.Ref, request.Priority, createdAt, request.Id, fired = firing.Fired.Length });
            if (firing.Sla.NextWakeAt is not null)
            {
                TicketSlaWrites.WakeEngines(batch);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new SlaChange(EventEffect.Applied, null, firing.Sla.StatusAt(Later(firing.Sla, now)), firing.Fired);
    }

    public async Task<SlaChange> ApplyAsync(TicketKey ticket, TicketEvent e, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(e);
        var now = clock.GetCurrentInstant();
        NotInFuture(e.At, now, "at");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = await StoredSla.LoadAsync(connection, policies, ticket, forUpdate: true, cancellationToken)
            ?? throw new SlaNotFoundException(ticket);
        var result = stored.Sla.Apply(e);
        if (result.Effect == EventEffect.Duplicate)
        {
            return new SlaChange(result.Effect, result.Reason, stored.Sla.StatusAt(Later(stored.Sla, now)), []);
        }

        var firing = result.Sla.FireDue(now);
        await using var batch = new NpgsqlBatch(connection);
        var update = TicketSlaWrites.Update(batch, ticket, firing.Sla, stored.Version, now);
        TicketSlaWrites.Fired(batch, ticket, firing.Fired, options.Sinks, now);
        TicketSlaWrites.Audit(batch, ticket, now, EventName(e), new { @event = e, effect = result.Effect, result.Reason, fired = firing.Fired.Length });
        if (firing.Sla.NextWakeAt < stored.NextWakeAt || (stored.NextWakeAt is null && firing.Sla.NextWakeAt is not null))
        {
            TicketSlaWrites.WakeEngines(batch);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (update.RecordsAffected != 1)
        {
            // The row is locked since it was read; only a writer ignoring the lock could have changed it.
            throw new InvalidOperationException($"Ticket {ticket} changed while locked.");
        }

        await transaction.CommitAsync(cancellationToken);
        return new SlaChange(result.Effect, result.Reason, firing.Sla.StatusAt(Later(firing.Sla, now)), firing.Fired);
    }

    public async Task<SlaStatus?> GetStatusAsync(TicketKey ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stored = await StoredSla.LoadAsync(connection, policies, ticket, forUpdate: false, cancellationToken);
        return stored?.Sla.StatusAt(Later(stored.Sla, clock.GetCurrentInstant()));
    }

    internal static string EventName(TicketEvent e) =>
        JsonSerializerNames.TryGetValue(e.GetType(), out var name) ? name : e.GetType().Name;

    private static readonly ImmutableDictionary<Type, string> JsonSerializerNames = typeof(TicketEvent)
        .GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), false)
        .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>()
        .ToImmutableDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>A status can only be described from the last event on; an event a moment ahead of this clock is within tolerance.</summary>
    private static Instant Later(TicketSla sla, Instant now) => now > sla.Events[^1].At ? now : sla.Events[^1].At;

    private Instant NotInFuture(Instant at, Instant now, string field) =>
        at <= now + options.FutureTolerance ? at : throw new InvalidInputException(field, $"is in the future ({IsoText.Format(at)}; now is {IsoText.Format(now)})");
}

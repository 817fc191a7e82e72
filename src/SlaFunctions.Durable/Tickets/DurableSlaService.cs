using Microsoft.Extensions.Logging;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Durable.Tickets;

/// <summary>
/// <see cref="ISlaService"/> of the durable backend. The row is the system of record and is written first;
/// the orchestration then drives the ticket. A start that Durable does not accept leaves the ticket on the
/// polling engine (recorded on the row, logged as a warning). A command answers what the orchestration will
/// store (<see cref="SignalPrediction"/>) and is delivered by an orchestration that raises, restarts or
/// confirms it; the status is computed from the stored snapshot at request time.
/// </summary>
public sealed class DurableSlaService(
    PostgresSlaService rows,
    DurableSlaStore store,
    DurableInstances instances,
    IClock clock,
    SlaStoreOptions options,
    ILogger logger
) : ISlaService
{
    public async Task<SlaChange> StartAsync(
        TicketKey ticket,
        StartRequest request,
        CancellationToken cancellationToken = default
    )
    {
        var change = await rows.StartAsync(ticket, request, cancellationToken);
        var created = change.Effect == EventEffect.Applied;
        var row = await store.LoadAsync(ticket, cancellationToken) ?? throw new SlaNotFoundException(ticket);
        var state = StartDecision.NeedsInstanceState(created, row.Backend)
            ? await instances.StateAsync(SlaInstanceId.For(ticket), cancellationToken)
            : (InstanceState?)null;
        if (!StartDecision.Schedules(created, row.Backend, state))
        {
            return change;
        }

        try
        {
            // What the start fired (due before it) is stored; the orchestration publishes it first.
            await instances.StartTicketAsync(
                row.Input([], options.Compaction) with
                {
                    Unpublished = row.Sla.Fired,
                },
                cancellationToken
            );
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(
                e,
                "The orchestration of ticket {Ticket} could not be scheduled; the polling engine drives it instead",
                ticket
            );
            await store.MoveToPollingAsync(
                ticket,
                $"the orchestration could not be scheduled: {e.GetType().Name}: {e.Message}",
                cancellationToken
            );
        }

        return change;
    }

    public Task<SlaChange> ApplyAsync(TicketKey ticket, TicketEvent e, CancellationToken cancellationToken = default) =>
        ApplyAsync(ticket, e, clock.GetCurrentInstant(), cancellationToken);

    /// <param name="receivedAt">When the event counts as received, for judging it late: now, or a rollout's
    /// effective instant (its change is due then, however long its batches take).</param>
    public async Task<SlaChange> ApplyAsync(
        TicketKey ticket,
        TicketEvent e,
        Instant receivedAt,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(e);
        var row = await store.LoadAsync(ticket, cancellationToken) ?? throw new SlaNotFoundException(ticket);
        if (row.Backend == SlaBackend.Polling)
        {
            return await rows.ApplyAsync(ticket, e, cancellationToken);
        }

        var receipt = new Receipt(receivedAt, row.Settings.LateEventTolerance);
        SlaChange change;
        try
        {
            change = SignalPrediction.Predict(row.Sla, e, receipt, options.FutureTolerance);
        }
        catch (InvalidInputException refusal) when (refusal.IsTooLate)
        {
            await store.AuditTooLateAsync(ticket, e, refusal, cancellationToken);
            throw;
        }

        if (change.Effect != EventEffect.Duplicate)
        {
            var signal = new SlaSignal(e) { Receipt = receipt };
            var delivery = new EventDeliveryInput([], [new DeliverSignalRequest(ticket, signal)]);
            await instances.ScheduleDeliveryAsync(
                delivery,
                e.Id is { } id ? SlaInstanceId.ForDelivery(ticket, id) : null,
                cancellationToken
            );
        }

        return change;
    }

    public Task<SlaStatus?> GetStatusAsync(TicketKey ticket, CancellationToken cancellationToken = default) =>
        rows.GetStatusAsync(ticket, cancellationToken);

    public Task<TicketSla?> GetSlaAsync(TicketKey ticket, CancellationToken cancellationToken = default) =>
        rows.GetSlaAsync(ticket, cancellationToken);
}

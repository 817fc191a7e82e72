using Grpc.Core;
using Microsoft.Extensions.Logging;
using NodaTime;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Durable.Signals;

/// <summary>
/// Gets a signal to the SLA that owns its ticket, as <see cref="SignalRouting"/> decides from the row and the
/// instance: apply it to a polling row, raise it, wait for an instance that has not started or is completing, or
/// restart the
/// instance from the snapshot with it. Each decision is taken again on a fresh read when the world moved
/// (the instance completed between the read and the raise, or another start won).
/// </summary>
public sealed class SignalDelivery(
    DurableSlaStore store,
    PostgresSlaService rows,
    IDeadLetters deadLetters,
    SlaStoreOptions options,
    DurableInstances instances,
    IClock clock,
    ILogger logger
)
{
    public const int MaxRounds = 4;

    /// <summary>How long a round waits for an instance to start or to complete before it decides again.</summary>
    public static Duration RoundWait { get; } = Duration.FromSeconds(20);

    /// <param name="confirming">A later check of a raise: done if the stored history has the event.</param>
    public async Task<DeliveryReceipt> DeliverAsync(
        DeliverSignalRequest request,
        bool confirming,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        var e = request.Signal.Event;
        // Stamped only for an orchestration, once: a polling row judges the event when it applies it.
        SlaSignal? received = null;
        SlaSignal Received(DurableTicket ticket) => received ??= Stamped(request, ticket.Settings);
        var instanceId = SlaInstanceId.For(request.Ticket);
        for (var round = 1; round <= MaxRounds; round++)
        {
            var ticket = await store.LoadAsync(request.Ticket, cancellationToken);
            if (ticket is null)
            {
                logger.LogWarning("Ticket {Ticket} has no SLA: event {EventId} is not delivered", request.Ticket, e.Id);
                return DeliveryReceipt.NoSla;
            }

            var state =
                ticket.Backend == SlaBackend.Polling
                    ? InstanceState.Missing
                    : await instances.StateAsync(instanceId, cancellationToken);
            var action = confirming
                ? SignalRouting.Confirm(
                    SnapshotHistory.Contains(ticket.Sla.ToSnapshot(), e),
                    ticket.Backend,
                    ticket.Sla.HasEnded,
                    state
                )
                : SignalRouting.Deliver(ticket.Backend, ticket.Sla.HasEnded, state);
            if (action == SignalAction.Confirmed)
            {
                return DeliveryReceipt.Confirmed;
            }

            if (action == SignalAction.ApplyDirectly)
            {
                await ApplyAsync(request, cancellationToken);
                return DeliveryReceipt.Applied;
            }

            if (action == SignalAction.Raise && await TryRaiseAsync(instanceId, Received(ticket), cancellationToken))
            {
                return DeliveryReceipt.Raised;
            }

            if (action == SignalAction.AwaitStart)
            {
                await instances.AwaitStartAsync(instanceId, RoundWait, cancellationToken);
            }
            else if (action == SignalAction.AwaitCompletion)
            {
                await instances.AwaitCompletionAsync(instanceId, RoundWait, cancellationToken);
            }
            else if (
                action == SignalAction.Restart
                && await instances.StartTicketAsync(
                    ticket.Input([Received(ticket)], options.Compaction),
                    cancellationToken
                )
            )
            {
                logger.LogInformation(
                    "Restarted {InstanceId} from its snapshot ({State}) with event {EventId}",
                    instanceId,
                    state,
                    e.Id
                );
                return DeliveryReceipt.Restarted;
            }
        }

        throw new TimeoutException(
            $"The SLA of ticket {request.Ticket} did not settle enough to take event {e.Id} after {MaxRounds} rounds."
        );
    }

    /// <summary>
    /// The signal with its receipt: now, under the tenant's late-event tolerance, unless it has one (a command's,
    /// stamped when the API received it) or the event was parked (it is not judged late).
    /// </summary>
    private SlaSignal Stamped(DeliverSignalRequest request, TenantSettings tenant) =>
        request.FromParking || request.Signal.Receipt is not null
            ? request.Signal
            : request.Signal with
            {
                Receipt = new Receipt(clock.GetCurrentInstant(), tenant.LateEventTolerance),
            };

    private async Task ApplyAsync(DeliverSignalRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await rows.ApplyAsync(request.Ticket, request.Signal.Event, !request.FromParking, cancellationToken);
        }
        catch (InvalidInputException error)
        {
            // Refused like the orchestration refuses it, and dead-lettered like it (DurableSlaStore.Refused).
            await deadLetters.RecordAsync(
                DeadLetterRequest.Refused(
                    request.Ticket,
                    request.Signal.Event,
                    error.Message,
                    Core.Events.DeadLetterReason.Refusal(error)
                ),
                cancellationToken
            );
        }
    }

    /// <summary>A raise that Durable refuses (the instance completed since it was read) is decided again.</summary>
    private async Task<bool> TryRaiseAsync(string instanceId, SlaSignal signal, CancellationToken cancellationToken)
    {
        try
        {
            await instances.RaiseAsync(instanceId, signal, cancellationToken);
            return true;
        }
        catch (RpcException e) when (!TransientFailures.Shared.IsTransient(e))
        {
            logger.LogInformation(
                "Raising on {InstanceId} was refused ({Status}); deciding again",
                instanceId,
                e.StatusCode
            );
            return false;
        }
    }
}

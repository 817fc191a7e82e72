using Microsoft.Extensions.Logging;
using NodaTime;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Durable.Recovery;

/// <summary>
/// Finds durable tickets whose wake-up is more than <see cref="Grace"/> past (a live orchestration would have
/// fired and stored a later one) and restarts their orchestration from the snapshot, or hands them to the
/// polling engine, as <see cref="Reconciliation"/> decides. A restart that fails moves the ticket to polling.
/// </summary>
public sealed class Reconciler(DurableSlaStore store, SlaStoreOptions options, IClock clock, ILogger<Reconciler> logger)
{
    public static Duration Grace { get; } = Duration.FromMinutes(5);

    public const int BatchSize = 100;

    /// <summary>Returns how many tickets it restarted or moved.</summary>
    public async Task<int> RunAsync(DurableInstances instances, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var acted = 0;
        foreach (var key in await store.OverdueAsync(clock.GetCurrentInstant() - Grace, BatchSize, cancellationToken))
        {
            var ticket = await store.LoadAsync(key, cancellationToken);
            if (ticket is null)
            {
                continue;
            }

            var instanceId = SlaInstanceId.For(key);
            var state = await instances.StateAsync(instanceId, cancellationToken);
            switch (Reconciliation.Decide(state, ticket.Sla.HasEnded))
            {
                case ReconcileAction.Restart:
                    acted++;
                    try
                    {
                        await instances.StartTicketAsync(ticket.Input([], options.Compaction), cancellationToken);
                        logger.LogWarning(
                            "Restarted {InstanceId} from its snapshot: its orchestration was {State} while a wake-up was overdue",
                            instanceId,
                            state
                        );
                    }
                    catch (Exception e)
                        when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        logger.LogWarning(
                            e,
                            "Restarting {InstanceId} failed; the polling engine drives ticket {Ticket} instead",
                            instanceId,
                            key
                        );
                        await store.MoveToPollingAsync(
                            key,
                            $"restarting its {state} orchestration failed: {e.GetType().Name}: {e.Message}",
                            cancellationToken
                        );
                    }

                    break;
                case ReconcileAction.MoveToPolling:
                    acted++;
                    logger.LogWarning(
                        "The orchestration {InstanceId} is {State}; the polling engine drives ticket {Ticket} instead",
                        instanceId,
                        state,
                        key
                    );
                    await store.MoveToPollingAsync(key, $"its orchestration is {state}", cancellationToken);
                    break;
                default:
                    break;
            }
        }

        return acted;
    }
}

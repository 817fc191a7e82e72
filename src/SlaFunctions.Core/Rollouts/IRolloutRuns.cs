using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Rollouts;

/// <summary>
/// Rollouts applied for real (SPEC §2 "Definition change"): started, applied a batch at a time by whichever worker
/// claims the next batch, resumable from where a crash stopped them, cancelled before they finish.
/// </summary>
public interface IRolloutRuns
{
    /// <summary>Records the rollout; its tickets are changed from its effective instant on, in batches.</summary>
    /// <exception cref="Validation.InvalidInputException">The policy or its version does not exist.</exception>
    Task<RolloutProgress> StartAsync(string tenantId, RolloutPlan plan, CancellationToken cancellationToken = default);

    Task<RolloutProgress?> GetAsync(string tenantId, Guid rolloutId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops a rollout that has not finished; the tickets it changed keep the change. Null when there is no such
    /// rollout.
    /// </summary>
    Task<RolloutProgress?> CancelAsync(string tenantId, Guid rolloutId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies the next batch of a rollout that is due, if one is and no other worker holds it. Returns how many
    /// tickets the batch reached (0 when there was nothing to do). Tickets the durable backend drives are signalled
    /// through <paramref name="delivery"/>, or left for a worker that has it.
    /// </summary>
    Task<int> ApplyBatchAsync(IRolloutDelivery? delivery, CancellationToken cancellationToken = default);
}

/// <summary>
/// How a rollout's change reaches a ticket a durable orchestration drives: as a signal, received at the change's
/// instant (so that it is never judged too late). Absent where no durable engine runs; such tickets then wait for a
/// worker that has one.
/// </summary>
public interface IRolloutDelivery
{
    Task DeliverAsync(TicketKey ticket, TicketDefinitionsChanged change, CancellationToken cancellationToken);
}

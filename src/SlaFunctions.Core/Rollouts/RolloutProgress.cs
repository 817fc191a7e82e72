using NodaTime;

namespace SlaFunctions.Core.Rollouts;

/// <summary>Where a rollout stands: scheduled until its instant, then running until done or cancelled.</summary>
public enum RolloutState
{
    Scheduled,
    Running,
    Cancelled,
    Done,
}

/// <summary>
/// A rollout being applied: its plan, how many tickets its dry run matched when it was started (<see cref="Total"/>),
/// how many it has reached so far (<see cref="Done"/>, the skipped included) and what it did to them.
/// </summary>
public sealed record RolloutProgress(
    string TenantId,
    Guid Id,
    RolloutPlan Plan,
    RolloutState State,
    int Total,
    int Done,
    RolloutSummary Applied,
    Instant CreatedAt,
    Instant? FinishedAt
)
{
    /// <summary>A rollout's id as a caller gives it (the API's route value, the CLI's argument).</summary>
    /// <exception cref="Validation.InvalidInputException">Not a UUID; the error names <paramref name="field"/>.</exception>
    public static Guid ParseId(string? value, string field) =>
        Guid.TryParse(value, out var id)
            ? id
            : throw new Validation.InvalidInputException(field, "must be a rollout id (a UUID)");
}

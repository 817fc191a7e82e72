using System.Collections.Immutable;

namespace SlaFunctions.Core.Rollouts;

/// <summary>How many of the matched tickets a rollout leaves as they are, moves, breaches or skips, and why it skips.</summary>
public sealed record RolloutSummary(
    int Matched,
    int Unchanged,
    int DueEarlier,
    int DueLater,
    int NewlyBreached,
    int Skipped,
    ImmutableSortedDictionary<string, int> SkippedReasons
)
{
    public static RolloutSummary Empty { get; } =
        new(0, 0, 0, 0, 0, 0, ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal));

    /// <summary>This summary with one more matched ticket counted.</summary>
    public RolloutSummary Add(TicketPreview ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return ticket.Effect switch
        {
            RolloutEffect.Unchanged => this with { Matched = Matched + 1, Unchanged = Unchanged + 1 },
            RolloutEffect.DueEarlier => this with { Matched = Matched + 1, DueEarlier = DueEarlier + 1 },
            RolloutEffect.DueLater => this with { Matched = Matched + 1, DueLater = DueLater + 1 },
            RolloutEffect.NewlyBreached => this with { Matched = Matched + 1, NewlyBreached = NewlyBreached + 1 },
            _ => this with
            {
                Matched = Matched + 1,
                Skipped = Skipped + 1,
                SkippedReasons = SkippedReasons.SetItem(
                    ticket.Skipped ?? "skipped",
                    SkippedReasons.GetValueOrDefault(ticket.Skipped ?? "skipped") + 1
                ),
            },
        };
    }
}

/// <summary>A page of a rollout's dry run, with the summary of all it matched and the cursor of the next page.</summary>
public sealed record RolloutPreviewPage(RolloutSummary Summary, ImmutableArray<TicketPreview> Tickets, string? Next);

/// <summary>The dry run of a rollout over a tenant's open tickets (the system of record's side).</summary>
public interface IRolloutPreviews
{
    /// <param name="progress">Told how many tickets have been looked at, after each batch.</param>
    /// <exception cref="Validation.InvalidInputException">The policy or its version does not exist.</exception>
    Task<RolloutPreviewPage> PreviewAsync(
        string tenantId,
        RolloutPlan plan,
        string? after,
        int limit,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default
    );
}

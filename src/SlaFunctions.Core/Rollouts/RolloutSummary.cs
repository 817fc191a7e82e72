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
    public RolloutSummary Add(TicketPreview ticket) =>
        Add((ticket ?? throw new ArgumentNullException(nameof(ticket))).Effect, ticket.Skipped);

    /// <summary>This summary with <paramref name="count"/> more tickets of one effect (and skip reason) counted.</summary>
    public RolloutSummary Add(RolloutEffect effect, string? skipped, int count = 1) =>
        effect switch
        {
            RolloutEffect.Unchanged => this with { Matched = Matched + count, Unchanged = Unchanged + count },
            RolloutEffect.DueEarlier => this with { Matched = Matched + count, DueEarlier = DueEarlier + count },
            RolloutEffect.DueLater => this with { Matched = Matched + count, DueLater = DueLater + count },
            RolloutEffect.NewlyBreached => this with
            {
                Matched = Matched + count,
                NewlyBreached = NewlyBreached + count,
            },
            _ => this with
            {
                Matched = Matched + count,
                Skipped = Skipped + count,
                SkippedReasons = SkippedReasons.SetItem(
                    skipped ?? "skipped",
                    SkippedReasons.GetValueOrDefault(skipped ?? "skipped") + count
                ),
            },
        };
}

/// <summary>A page of a rollout's dry run, with the summary of all it matched and the cursor of the next page.</summary>
public sealed record RolloutPreviewPage(RolloutSummary Summary, ImmutableArray<TicketPreview> Tickets, string? Next);

/// <summary>The dry run of a rollout over a tenant's open tickets (the system of record's side).</summary>
public interface IRolloutPreviews
{
    /// <param name="progress">Told how many tickets have been looked at, after each batch.</param>
    /// <exception cref="Validation.InvalidInputException">A policy or its version does not exist.</exception>
    Task<RolloutPreviewPage> PreviewAsync(
        string tenantId,
        RolloutPlan plan,
        string? after,
        int limit,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default
    );

    /// <summary>
    /// The versions a calendar's latest version gave the policies on it: the latest of each policy whose latest is on
    /// the calendar.
    /// </summary>
    /// <exception cref="Validation.InvalidInputException">No such calendar, or no policy on it.</exception>
    Task<ImmutableArray<Policies.PolicyRef>> VersionsOnCalendarAsync(
        string tenantId,
        string calendarId,
        CancellationToken cancellationToken = default
    );
}

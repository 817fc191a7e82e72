using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Service;

/// <summary>
/// The search of <c>GET …/slas</c>. The phase conditions (<see cref="States"/>, <see cref="BreachesWithin"/>,
/// <see cref="RemainingBelow"/>, and with a <see cref="Phase"/> also <see cref="DueBefore"/>/<see cref="DueAfter"/>)
/// must hold together for one phase in scope: the given phase, else the response phase or the latest
/// resolution cycle. Without a phase, the due bounds apply to the ticket's due instant: the earliest due
/// instant of its open phases, which is also what <see cref="SlaSort.DueAt"/> orders by.
/// </summary>
public sealed record SlaSearch
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public SlaPhase? Phase { get; init; }

    public ImmutableArray<PhaseOutcome> States { get; init; } = [];

    /// <summary>Running phases due within this much wall-clock time from now (not yet due).</summary>
    public Duration? BreachesWithin { get; init; }

    /// <summary>Running phases with less than this much business time left (not yet due).</summary>
    public Duration? RemainingBelow { get; init; }

    /// <summary>Exclusive.</summary>
    public Instant? DueBefore { get; init; }

    /// <summary>Inclusive.</summary>
    public Instant? DueAfter { get; init; }

    /// <summary>Some phase of the ticket, in any cycle, breached (true) or none did (false).</summary>
    public bool? EverBreached { get; init; }

    public ImmutableArray<string> Priorities { get; init; } = [];

    public ImmutableArray<string> PolicyIds { get; init; } = [];

    public ImmutableArray<string> ClientIds { get; init; } = [];

    public ImmutableArray<string> BoardIds { get; init; } = [];

    /// <summary>Exclusive, on the ticket's creation instant.</summary>
    public Instant? CreatedBefore { get; init; }

    /// <summary>Inclusive.</summary>
    public Instant? CreatedAfter { get; init; }

    /// <summary>Inclusive, on the instant the row was last written.</summary>
    public Instant? UpdatedSince { get; init; }

    public SlaSort Sort { get; init; } = SlaSort.DueAt;

    /// <summary>The last item of the previous page; null for the first page.</summary>
    public SearchCursor? After { get; init; }

    public int Limit { get; init; } = DefaultLimit;
}

public enum SlaSort
{
    DueAt,
    DueAtDescending,
    CreatedAt,
    CreatedAtDescending,
    UpdatedAt,
    UpdatedAtDescending,
}

/// <summary>Where a page ended: the sort key of its last item (null: no due instant) and its ticket id.</summary>
public sealed record SearchCursor(SlaSort Sort, Instant? Key, string TicketId);

public sealed record SlaSearchPage(ImmutableArray<SlaSearchItem> Items, SearchCursor? Next);

/// <summary>A ticket found, with its status as of the request.</summary>
public sealed record SlaSearchItem(string TicketId, string PolicyId, SlaStatus Status)
{
    /// <summary>The phases a search and a report look at: the response phase and the latest resolution cycle.</summary>
    public static (PhaseStatus? Response, PhaseStatus? Resolution) CurrentPhases(SlaStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return (
            status.Phases.FirstOrDefault(p => p.Phase == SlaPhase.Response),
            status.Phases.LastOrDefault(p => p.Phase == SlaPhase.Resolution)
        );
    }
}

using System.Collections.Immutable;
using SlaFunctions.Core.Calendars;

namespace SlaFunctions.Core.Policies;

/// <summary>
/// Targets per priority, the thresholds that notify, the statuses that pause the clock, and the
/// calendar business time is counted in.
/// </summary>
public sealed class SlaPolicy
{
    private readonly ImmutableHashSet<string> pausing;

    public SlaPolicy(
        PolicyRef reference,
        BusinessCalendar calendar,
        IReadOnlyDictionary<string, SlaTarget> targets,
        IEnumerable<Threshold>? thresholds = null,
        IEnumerable<string>? pauseStatuses = null
    )
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(targets);
        Ref = reference;
        Calendar = calendar;
        Targets = targets.ToImmutableDictionary(StringComparer.Ordinal);
        Thresholds = [.. (thresholds ?? Threshold.Defaults).OrderBy(t => t.Percent)];
        PauseStatuses = [.. pauseStatuses ?? []];
        pausing = PauseStatuses.ToImmutableHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public PolicyRef Ref { get; }

    public BusinessCalendar Calendar { get; }

    public ImmutableDictionary<string, SlaTarget> Targets { get; }

    /// <summary>In ascending order of percent.</summary>
    public ImmutableArray<Threshold> Thresholds { get; }

    public ImmutableArray<string> PauseStatuses { get; }

    /// <summary>Status names compare without regard to case: ticket systems are not consistent about it.</summary>
    public bool IsPausing(string status) => pausing.Contains(status);

    public SlaTarget TargetOf(string priority) =>
        Targets.TryGetValue(priority, out var target)
            ? target
            : throw new ArgumentException($"Priority '{priority}' has no targets in policy {Ref}.", nameof(priority));

    public IBusinessClock ClockFor(SlaTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Is24x7 ? AlwaysOpenClock.Instance : Calendar;
    }
}

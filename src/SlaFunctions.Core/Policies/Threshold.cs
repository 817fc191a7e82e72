using System.Collections.Immutable;

namespace SlaFunctions.Core.Policies;

/// <summary>A notification point at a percent of a target, with whom and how to notify.</summary>
public sealed record Threshold(decimal Percent, ImmutableArray<string> Notify, ImmutableArray<string> Channels)
{
    public static ImmutableArray<Threshold> Defaults { get; } =
    [.. new[] { 50m, 75m, 90m, 100m }.Select(p => new Threshold(p, [], []))];

    /// <summary>Below 100 percent a threshold warns; at and above it reports a breach.</summary>
    public NotificationKind Kind => Percent < 100 ? NotificationKind.Warning : NotificationKind.Breach;
}

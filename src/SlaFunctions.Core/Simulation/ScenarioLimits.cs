using NodaTime;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Simulation;

/// <summary>
/// The largest scenario <c>simulate</c> runs (docs/operations.md, "Limits of simulate"): the route takes no
/// key, so what one request can cost is bounded here, and a larger scenario is refused naming the path.
/// </summary>
public static class ScenarioLimits
{
    public const int MaxEvents = 5_000;

    public const int MaxCalendars = 10;

    /// <summary>Weekly open intervals (<c>hours</c>) of one calendar.</summary>
    public const int MaxIntervals = 100;

    /// <summary>Holidays of one calendar.</summary>
    public const int MaxHolidays = 1_000;

    /// <summary>Priorities of the policy (<c>targets</c>).</summary>
    public const int MaxTargets = 50;

    /// <summary>Thresholds of the policy, and escalations of each target: each is work at every event.</summary>
    public const int MaxThresholds = 20;

    public const int MaxPauseStatuses = 100;

    /// <summary><c>definitions</c> events: each is a policy to read and compile.</summary>
    public const int MaxDefinitionChanges = 100;

    /// <summary>From the creation to the instant the result describes (<c>until</c>, or the last event).</summary>
    public static Duration MaxSpan { get; } = Duration.FromDays(3_660);

    /// <summary>
    /// Refuses an input whose array or object at <paramref name="input"/> has more than <paramref name="max"/> entries.
    /// </summary>
    internal static void AtMost(JsonInput? input, int max, string what)
    {
        if (input is { } present && Count(present) > max)
        {
            throw present.Error(
                $"has more than {max:N0} {what}: the most a scenario may have (see docs/operations.md, \"Limits of simulate\")"
            );
        }
    }

    private static int Count(JsonInput input) =>
        input.Element.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Array => input.Element.GetArrayLength(),
            System.Text.Json.JsonValueKind.Object => input.Element.EnumerateObject().Count(),
            _ => 0,
        };
}

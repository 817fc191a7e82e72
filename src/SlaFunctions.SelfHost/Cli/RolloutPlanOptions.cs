using System.CommandLine;
using NodaTime;
using NodaTime.Text;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>
/// What a rollout puts in force, from when, on which tickets: the options <c>rollout plan</c> and <c>rollout apply</c>
/// share, as <c>POST …/rollouts</c> reads its body.
/// </summary>
internal sealed class RolloutPlanOptions
{
    public Option<string?> Policy { get; } = new("--policy") { Description = "The policy to roll out." };

    public Option<int?> Version { get; } = new("--version") { Description = "Its version." };

    public Option<string?> Calendar { get; } =
        new("--calendar")
        {
            Description = "Or a calendar: its latest version, as the versions it gave the policies on it.",
        };

    public Option<string?> EffectiveAt { get; } =
        new("--effective-at")
        {
            Description = "From when (ISO-8601, such as 2026-06-08T13:00:00Z); default now. Later schedules it.",
        };

    public Option<string[]> Priorities { get; } =
        new("--priority") { Description = "Only tickets of this priority (repeatable)." };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { Policy, Version, Calendar, EffectiveAt, Priorities })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The plan the options give (a policy's version, or a calendar's), its instant now or later.</summary>
    public RolloutPlan Read(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var now = SystemClock.Instance.GetCurrentInstant();
        var at = RolloutPlan.EffectiveFrom(
            parsed.GetValue(EffectiveAt) is { } text
                ? InstantPattern.ExtendedIso.Parse(text).TryGetValue(now, out var parsedAt)
                    ? parsedAt
                    : throw new InvalidInputException("--effective-at", $"'{text}' is not an ISO-8601 instant")
                : null,
            now,
            "--effective-at"
        );
        var (policy, version) = (parsed.GetValue(Policy), parsed.GetValue(Version));
        var plan = parsed.GetValue(Calendar) is { } calendar
            ? policy is null && version is null
                ? RolloutPlan.OfCalendar(Identifiers.Require(calendar, "--calendar"), at)
                : throw new InvalidInputException("--calendar", "give --policy and --version, or --calendar, not both")
            : new RolloutPlan(
                new PolicyRef(
                    Identifiers.Require(policy, "--policy"),
                    version ?? throw new InvalidInputException("--version", "is required")
                ),
                at
            );
        return plan with { Priorities = [.. parsed.GetValue(Priorities) ?? []] };
    }
}

using System.Collections.Immutable;
using NodaTime;
using NodaTime.Text;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Testing.Samples;

/// <summary>Builds a policy and a ticket's events in the calendar's local time, then simulates them.</summary>
public sealed class TicketScenario(BusinessCalendar calendar)
{
    private static readonly LocalDateTimePattern LocalPattern = LocalDateTimePattern.CreateWithInvariantCulture(
        "uuuu'-'MM'-'dd HH':'mm"
    );
    private readonly Dictionary<string, SlaTarget> targets = [];
    private readonly List<TicketEvent> events = [];
    private IEnumerable<Threshold> thresholds = Threshold.Defaults;
    private string[] pausing = ["awaiting_client", "on_hold"];

    public static TicketScenario NewYork9To5() => new(Calendars.Weekdays9To5());

    public SlaPolicy Policy => new(new PolicyRef("test", 1), calendar, targets, thresholds, pausing);

    public TicketScenario Target(
        string priority,
        int? response = null,
        int? resolution = null,
        bool is24x7 = false,
        params decimal[] escalations
    )
    {
        targets[priority] = new SlaTarget(
            response is { } r ? Duration.FromMinutes(r) : null,
            resolution is { } s ? Duration.FromMinutes(s) : null,
            is24x7,
            [.. escalations]
        );
        return this;
    }

    public TicketScenario Thresholds(params decimal[] percents)
    {
        thresholds = percents.Select(p => new Threshold(p, [], [])).ToList();
        return this;
    }

    public TicketScenario Pausing(params string[] statuses)
    {
        pausing = statuses;
        return this;
    }

    public TicketScenario Created(string local, string priority) => Add(new TicketCreated(Local(local), priority));

    public TicketScenario Status(string local, string status) => Add(new TicketStatusChanged(Local(local), status));

    public TicketScenario Pause(string local, string reason) => Add(new TicketPaused(Local(local), reason));

    public TicketScenario Resume(string local, string reason) => Add(new TicketResumed(Local(local), reason));

    public TicketScenario Responded(string local) => Add(new TicketResponded(Local(local)));

    public TicketScenario Resolved(string local) => Add(new TicketResolved(Local(local)));

    public TicketScenario Reopened(string local) => Add(new TicketReopened(Local(local)));

    public TicketScenario Priority(string local, string priority) =>
        Add(new TicketPriorityChanged(Local(local), priority));

    public TicketScenario Cancelled(string local) => Add(new TicketCancelled(Local(local)));

    public ImmutableArray<TicketEvent> Events => [.. events];

    public SlaStatus Run(string untilLocal) => ScenarioRunner.Run(new Scenario(Policy, [.. events], Local(untilLocal)));

    public Instant Local(string local) =>
        LocalPattern.Parse(local).GetValueOrThrow().InZoneLeniently(calendar.Zone).ToInstant();

    private TicketScenario Add(TicketEvent e)
    {
        events.Add(e);
        return this;
    }
}

public static class SlaStatusExtensions
{
    public static PhaseStatus Response(this SlaStatus status) =>
        status.Phases.Single(p => p.Phase == SlaPhase.Response);

    public static PhaseStatus Resolution(this SlaStatus status, int cycle = 1) =>
        status.Phases.Single(p => p.Phase == SlaPhase.Resolution && p.Cycle == cycle);

    public static IEnumerable<FiredNotification> Of(this SlaStatus status, SlaPhase phase) =>
        status.Notifications.Where(n => n.Phase == phase);

    /// <summary>Notifications as "kind percent" in firing order, for compact assertions.</summary>
    public static string[] Kinds(this IEnumerable<FiredNotification> notifications) =>
        [
            .. SimulationJson
                .Ordered(notifications)
                .Select(n => $"{WireNames.Of(n.Kind)} {n.Percent}{(n.Level is { } l ? $" L{l}" : string.Empty)}"),
        ];
}

using System.Collections.Immutable;
using NodaTime;

namespace SlaFunctions.Core.Events;

/// <summary>
/// How domain events become commands: the correlation rules, the command of each event type, and how
/// long an event waits for its SLA to start. Built from configuration by <see cref="EventSettingsJson"/>.
/// </summary>
public sealed record EventSettings(
    Duration ParkingWindow,
    CorrelationRules Correlation,
    ImmutableDictionary<string, CommandRule> Commands
)
{
    public static Duration DefaultParkingWindow { get; } = Duration.FromDays(7);

    /// <summary>
    /// Author types counted as the help desk's own people when a public comment is the first response.
    /// </summary>
    public static ImmutableArray<string> InternalAuthorTypes { get; } = ["agent", "technician", "internal"];

    public static ImmutableDictionary<string, CommandRule> DefaultCommands { get; } =
        new Dictionary<string, CommandRule>
        {
            ["TICKET_CREATED"] = new(CommandKind.Start),
            ["TICKET_STATUS_CHANGED"] = new(CommandKind.Status),
            ["TICKET_COMMENT_ADDED"] = new(CommandKind.Respond)
            {
                When =
                [
                    new EventCondition(PayloadPath.Parse("payload.isPublic"), ["true"]),
                    new EventCondition(PayloadPath.Parse("payload.authorType"), InternalAuthorTypes),
                ],
            },
            ["TICKET_RESOLVED"] = new(CommandKind.Resolve),
            ["TICKET_CLOSED"] = new(CommandKind.Resolve),
            ["TICKET_REOPENED"] = new(CommandKind.Reopen),
            ["TICKET_PRIORITY_CHANGED"] = new(CommandKind.Priority),
            ["TICKET_DELETED"] = new(CommandKind.Cancel),
        }.ToImmutableDictionary(StringComparer.Ordinal);

    public static EventSettings Default { get; } = new(DefaultParkingWindow, CorrelationRules.Default, DefaultCommands);
}

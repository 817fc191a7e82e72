using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Events;

/// <summary>What an event type does to a ticket's SLA.</summary>
public enum CommandKind
{
    /// <summary>
    /// Starts the SLA (<c>ticketId</c>, <c>priority</c>; optional <c>policyId</c>, <c>clientId</c>, <c>boardId</c>,
    /// <c>correlationKeys</c>).
    /// </summary>
    Start,

    /// <summary>
    /// The ticket's status changed (<c>status</c>); the policy's pausing statuses decide whether the clock stops.
    /// </summary>
    Status,

    /// <summary>An explicit pause for a reason (<c>reason</c>).</summary>
    Pause,

    /// <summary>Ends an explicit pause for a reason (<c>reason</c>).</summary>
    Resume,

    Respond,
    Resolve,
    Reopen,

    /// <summary>The ticket's priority changed (<c>priority</c>).</summary>
    Priority,

    Cancel,

    /// <summary>A known event type that changes nothing (acknowledged, never dead-lettered).</summary>
    Ignore,
}

/// <summary>
/// The event applies only when the value at <see cref="Path"/> is one of <see cref="Values"/> (compared ignoring case).
/// </summary>
public sealed record EventCondition(PayloadPath Path, ImmutableArray<string> Values);

/// <summary>
/// The mapping of one event type to a command: its kind, where its arguments are in the payload (each
/// argument has a default path), and conditions without which the event is ignored.
/// </summary>
public sealed record CommandRule(CommandKind Command)
{
    private static readonly ImmutableDictionary<CommandKind, ImmutableArray<CommandArgument>> Arguments =
        new Dictionary<CommandKind, ImmutableArray<CommandArgument>>
        {
            [CommandKind.Start] =
            [
                new("ticketId", "payload.ticketId"),
                new("priority", "payload.priority"),
                new("policyId", "payload.policyId"),
                new("clientId", "payload.clientId"),
                new("boardId", "payload.boardId"),
                new("correlationKeys", "payload.correlationKeys"),
            ],
            [CommandKind.Status] = [new("status", "payload.newStatus")],
            [CommandKind.Pause] = [new("reason", "payload.reason")],
            [CommandKind.Resume] = [new("reason", "payload.reason")],
            [CommandKind.Priority] = [new("priority", "payload.priority")],
        }.ToImmutableDictionary();

    /// <summary>Paths replacing the default path of an argument, by argument name.</summary>
    public ImmutableDictionary<string, PayloadPath> Fields { get; init; } =
        ImmutableDictionary<string, PayloadPath>.Empty;

    public ImmutableArray<EventCondition> When { get; init; } = [];

    /// <summary>
    /// The argument names a command takes, for example <c>status</c> for <see cref="CommandKind.Status"/>.
    /// </summary>
    public static ImmutableArray<string> ArgumentsOf(CommandKind command) =>
        [.. Arguments.GetValueOrDefault(command, []).Select(a => a.Name)];

    /// <summary>
    /// The ticket event of a command other than <see cref="CommandKind.Start"/>, its argument (if it takes one) read by
    /// name.
    /// </summary>
    public static TicketEvent EventOf(CommandKind command, Instant at, Func<string, string> argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        return command switch
        {
            CommandKind.Status => new TicketStatusChanged(at, argument("status")),
            CommandKind.Pause => new TicketPaused(at, argument("reason")),
            CommandKind.Resume => new TicketResumed(at, argument("reason")),
            CommandKind.Priority => new TicketPriorityChanged(at, argument("priority")),
            CommandKind.Respond => new TicketResponded(at),
            CommandKind.Resolve => new TicketResolved(at),
            CommandKind.Reopen => new TicketReopened(at),
            CommandKind.Cancel => new TicketCancelled(at),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "not a ticket event"),
        };
    }

    /// <summary>Where the argument is read: the configured path, else the default.</summary>
    public PayloadPath PathOf(string argument) =>
        Fields.GetValueOrDefault(argument)
        ?? Arguments
            .GetValueOrDefault(Command, [])
            .Where(a => a.Name == argument)
            .Select(a => a.DefaultPath)
            .FirstOrDefault()
        ?? throw new ArgumentException($"{Command} has no argument '{argument}'.", nameof(argument));

    private sealed record CommandArgument(string Name, string Default)
    {
        public PayloadPath DefaultPath { get; } = PayloadPath.Parse(Default);
    }
}

namespace SlaFunctions.Core.Workflow;

/// <summary>The activities the orchestration calls; the Function App registers its functions under these names.</summary>
public static class TicketSlaActivities
{
    /// <summary>
    /// <see cref="PersistSlaRequest"/> → <see cref="int"/>, the notifications newly stored. One transaction,
    /// idempotent (activities run at least once): the snapshot, the fired notifications (unique per ticket,
    /// cycle, phase, kind and percent) and the signal's audit entry.
    /// </summary>
    public const string Persist = "PersistTicketSla";

    /// <summary>
    /// <see cref="PublishNotificationsRequest"/> → <see cref="int"/>, the messages sent. At least once: a
    /// notification's id is derived from its slot, so consumers recognise a repeat.
    /// </summary>
    public const string Publish = "PublishSlaNotifications";
}

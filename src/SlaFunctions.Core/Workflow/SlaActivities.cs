namespace SlaFunctions.Core.Workflow;

/// <summary>
/// An activity the workflows call, typed by its input and output: <see
/// cref="ISlaOrchestrationContext.CallActivityAsync{TInput, TOutput}"/>
/// takes it, so the compiler checks both at every call. The name is recorded in every orchestration history.
/// </summary>
public sealed record SlaActivity<TInput, TOutput>(string Name)
    where TInput : notnull;

/// <summary>
/// The activities of both orchestrations: name, input and output in one place. A host registers its functions
/// under the <c>…Name</c> constants (attribute arguments must be constant); recorded histories replay by these names,
/// so they never change.
/// </summary>
public static class SlaActivities
{
    public const string PersistName = "PersistTicketSla";

    public const string PublishName = "PublishSlaNotifications";

    public const string DeliverName = "DeliverSlaSignal";

    public const string ConfirmName = "ConfirmSlaSignal";

    public const string DeadLetterName = "DeadLetterSlaEvent";

    /// <summary>
    /// The notifications newly stored. One transaction, idempotent (activities run at least once): the snapshot,
    /// the fired notifications (unique per ticket, cycle, phase, kind and percent) and the signal's audit entry.
    /// </summary>
    public static SlaActivity<PersistSlaRequest, int> Persist { get; } = new(PersistName);

    /// <summary>
    /// The messages sent. At least once: a notification's id is derived from its slot, so consumers recognise a repeat.
    /// </summary>
    public static SlaActivity<PublishNotificationsRequest, int> Publish { get; } = new(PublishName);

    /// <summary>Apply, raise or restart (<c>SignalRouting.Deliver</c>).</summary>
    public static SlaActivity<DeliverSignalRequest, DeliveryReceipt> Deliver { get; } = new(DeliverName);

    /// <summary>Deliver again what a raise lost (<c>SignalRouting.Confirm</c>).</summary>
    public static SlaActivity<DeliverSignalRequest, DeliveryReceipt> Confirm { get; } = new(ConfirmName);

    /// <summary>The dead-letter row and its audit entry.</summary>
    public static SlaActivity<DeadLetterRequest, bool> DeadLetter { get; } = new(DeadLetterName);
}

namespace SlaFunctions.Core.Events;

/// <summary>
/// Why a domain event was dead-lettered: the reason both hosts record (Service Bus dead-letter reason,
/// dead-letter table, audit row, metrics). The names are a contract with operators.
/// </summary>
public static class DeadLetterReason
{
    /// <summary>No transport key, no envelope key, and no configured path gave a correlation key.</summary>
    public const string CorrelationUnresolved = nameof(CorrelationUnresolved);

    /// <summary>The message is not a valid envelope (plain or CloudEvents), or belongs to another tenant.</summary>
    public const string InvalidEnvelope = nameof(InvalidEnvelope);

    /// <summary>The envelope is valid but its event type has no mapping.</summary>
    public const string UnknownEventType = nameof(UnknownEventType);

    /// <summary>The event type is mapped, but a field the mapping needs is missing or invalid.</summary>
    public const string InvalidEvent = nameof(InvalidEvent);

    /// <summary>The event's id was already used by an event with different content.</summary>
    public const string ReusedEventId = nameof(ReusedEventId);

    /// <summary>The event waited for its SLA to start longer than the parking window.</summary>
    public const string ParkingExpired = nameof(ParkingExpired);

    /// <summary>
    /// The event is dated before what its SLA has acted on, by more than the tenant's late-event tolerance.
    /// </summary>
    public const string TooLate = nameof(TooLate);

    /// <summary>The reason an SLA's refusal of an event is filed under: <see cref="TooLate"/> or <see cref="InvalidEvent"/>.</summary>
    public static string Refusal(Validation.InvalidInputException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.IsTooLate ? TooLate : InvalidEvent;
    }
}

using NodaTime;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Service;

/// <summary>
/// What a tenant chose for itself. <see cref="LateEventTolerance"/> is how old a late event may be, when it is
/// received, and still be accepted (SPEC §2 "Late events"): from zero to <see cref="MaxLateEventTolerance"/>, in
/// whole seconds, which is what the store keeps.
/// </summary>
public sealed record TenantSettings(Duration LateEventTolerance)
{
    /// <summary>The largest tolerance in the minutes the API and the CLI take: 7 days.</summary>
    public const int MaxLateEventToleranceMinutes = 7 * 24 * 60;

    public static Duration MaxLateEventTolerance { get; } = Duration.FromMinutes(MaxLateEventToleranceMinutes);

    /// <summary>The settings of a tenant that set none.</summary>
    public static TenantSettings Default { get; } = new(Duration.FromMinutes(15));

    // Get-only, so that neither the constructor nor a `with` can make settings the store could not keep.
    public Duration LateEventTolerance { get; } =
        LateEventTolerance >= Duration.Zero
        && LateEventTolerance <= MaxLateEventTolerance
        && LateEventTolerance.ToInt64Nanoseconds() % NodaConstants.NanosecondsPerSecond == 0
            ? LateEventTolerance
            : throw new ArgumentOutOfRangeException(
                nameof(LateEventTolerance),
                LateEventTolerance,
                "must be whole seconds from zero to 7 days"
            );

    /// <summary>
    /// Settings from a tolerance in whole minutes as a client or an operator gives it; out of range is refused
    /// naming <paramref name="field"/>.
    /// </summary>
    public static TenantSettings FromToleranceMinutes(int minutes, string field) =>
        minutes is >= 0 and <= MaxLateEventToleranceMinutes
            ? new(Duration.FromMinutes(minutes))
            : throw new InvalidInputException(
                field,
                $"must be a whole number from 0 to {MaxLateEventToleranceMinutes}"
            );
}

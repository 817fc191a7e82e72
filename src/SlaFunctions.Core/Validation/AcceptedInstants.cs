using NodaTime;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Validation;

/// <summary>
/// The instants the service accepts as input, from 1900-01-01T00:00:00Z up to (not including)
/// 9000-01-01T00:00:00Z, and the local dates of holidays within those years: far enough either way for any
/// ticket, and far enough inside NodaTime's and PostgreSQL's ranges that no arithmetic on them (targets of up
/// to ten years, holidays recurring yearly, zone offsets) can leave those.
/// </summary>
internal static class AcceptedInstants
{
    public const int FirstYear = 1900;

    /// <summary>The first year not accepted.</summary>
    public const int EndYear = 9000;

    public static Instant Earliest { get; } = Instant.FromUtc(FirstYear, 1, 1, 0, 0);

    /// <summary>The first instant not accepted.</summary>
    public static Instant End { get; } = Instant.FromUtc(EndYear, 1, 1, 0, 0);

    public static string Description { get; } =
        $"from {IsoText.Format(Earliest)} up to (not including) {IsoText.Format(End)}";

    public static bool Contains(Instant instant) => instant >= Earliest && instant < End;

    public static bool Contains(LocalDate date) => date.Year is >= FirstYear and < EndYear;
}

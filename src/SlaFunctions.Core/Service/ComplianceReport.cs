using System.Collections.Immutable;
using NodaTime;

namespace SlaFunctions.Core.Service;

/// <summary>
/// The compliance report of <c>GET …/reports/compliance</c> over [<see cref="From"/>, <see cref="To"/>): the
/// phases (response, and the latest resolution cycle) that completed, were cancelled, or breached in the
/// window. A phase counts at its completion; a breached phase that has not completed at its due instant; a
/// cancelled one at its cancellation. Days, weeks (ISO, from Monday) and months are those of <see cref="Zone"/>.
/// </summary>
public sealed record ComplianceQuery(
    Instant From,
    Instant To,
    DateTimeZone Zone,
    ImmutableArray<ComplianceGroupBy> GroupBy
);

public enum ComplianceGroupBy
{
    Phase,
    Priority,
    Policy,
    Client,
    Board,
    Day,
    Week,
    Month,
}

/// <summary>
/// One group's figures. <see cref="Running"/> counts the breached phases still open (they count in
/// <see cref="Breached"/> too). The percentiles are of the business time elapsed at completion of the met and
/// breached phases that completed; <see cref="OverTarget"/> sums, over breached phases that stopped, the
/// business time elapsed beyond their target.
/// </summary>
public sealed record ComplianceGroup(
    ImmutableArray<string?> Keys,
    long Met,
    long Breached,
    long Cancelled,
    long Running,
    Duration? ElapsedP50,
    Duration? ElapsedP90,
    Duration OverTarget
)
{
    /// <summary>Met over met and breached; null when neither.</summary>
    public double? AchievementRate => Met + Breached == 0 ? null : (double)Met / (Met + Breached);
}

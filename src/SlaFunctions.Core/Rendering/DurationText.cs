using System.Globalization;
using NodaTime;

namespace SlaFunctions.Core.Rendering;

/// <summary>Durations as people read them on a chart: <c>1h</c>, <c>24h</c>, <c>1h30m</c>, <c>45m</c>.</summary>
internal static class DurationText
{
    public static string Format(Duration duration)
    {
        var minutes = (long)Math.Round(duration.TotalMinutes);
        var (hours, rest) = (minutes / 60, minutes % 60);
        return hours == 0 ? $"{rest.ToString(CultureInfo.InvariantCulture)}m"
            : rest == 0 ? $"{hours.ToString(CultureInfo.InvariantCulture)}h"
            : $"{hours.ToString(CultureInfo.InvariantCulture)}h{rest.ToString(CultureInfo.InvariantCulture)}m";
    }
}

using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace SlaFunctions.Core.Json;

/// <summary>
/// ISO-8601 text for instants (UTC, with Z) and durations (such as PT1H30M), fractional seconds only where not zero.
/// </summary>
public static class IsoText
{
    public static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    public static string Format(Duration duration)
    {
        var nanoseconds = duration.ToInt64Nanoseconds();
        if (nanoseconds == 0)
        {
            return "PT0S";
        }

        var text = new StringBuilder(nanoseconds < 0 ? "-PT" : "PT");
        var remaining = Math.Abs(nanoseconds);
        var hours = remaining / NodaConstants.NanosecondsPerHour;
        remaining %= NodaConstants.NanosecondsPerHour;
        var minutes = remaining / NodaConstants.NanosecondsPerMinute;
        remaining %= NodaConstants.NanosecondsPerMinute;
        if (hours > 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('H');
        }

        if (minutes > 0)
        {
            text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
        }

        if (remaining > 0)
        {
            var seconds = remaining / (decimal)NodaConstants.NanosecondsPerSecond;
            text.Append(seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('S');
        }

        return text.ToString();
    }
}

using NodaTime;
using NodaTime.Text;

namespace SlaFunctions.Core.Rendering;

/// <summary>
/// Instants as the picture labels them: local time in the calendar's zone, with the zone's abbreviation.
/// </summary>
internal sealed class LocalText(DateTimeZone zone)
{
    private static readonly LocalDatePattern Day = LocalDatePattern.CreateWithInvariantCulture("ddd d MMM");
    private static readonly LocalDatePattern DayWithYear = LocalDatePattern.CreateWithInvariantCulture(
        "ddd d MMM uuuu"
    );
    private static readonly LocalTimePattern Time = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    public DateTimeZone Zone { get; } = zone;

    public LocalDate DateOf(Instant at) => at.InZone(Zone).Date;

    public static string DayName(LocalDate date) => Day.Format(date);

    /// <summary>Such as <c>09:30</c>.</summary>
    public string TimeOf(Instant at) => Time.Format(at.InZone(Zone).TimeOfDay);

    /// <summary>Such as <c>Mon 9 Mar 09:30 EDT</c>.</summary>
    public string Moment(Instant at)
    {
        var local = at.InZone(Zone);
        return $"{Day.Format(local.Date)} {Time.Format(local.TimeOfDay)} {Abbreviation(at)}";
    }

    /// <summary>Such as <c>Wed 11 Mar 2026 20:00 EDT</c>.</summary>
    public string MomentWithYear(Instant at)
    {
        var local = at.InZone(Zone);
        return $"{DayWithYear.Format(local.Date)} {Time.Format(local.TimeOfDay)} {Abbreviation(at)}";
    }

    /// <summary>
    /// The zone's name for the offset in force (EST, EDT, GMT, BST…), or the offset where it has none.
    /// </summary>
    public string Abbreviation(Instant at)
    {
        var name = Zone.GetZoneInterval(at).Name;
        return string.IsNullOrEmpty(name) || name.StartsWith('+') || name.StartsWith('-') || name.All(char.IsDigit)
            ? "UTC" + Zone.GetUtcOffset(at).ToString("m", System.Globalization.CultureInfo.InvariantCulture)
            : name;
    }
}

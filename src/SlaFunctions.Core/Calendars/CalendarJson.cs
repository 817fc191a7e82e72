using NodaTime;
using NodaTime.Text;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Calendars;

/// <summary>Reads a calendar definition (SPEC §3) with errors that name the JSON path.</summary>
public static class CalendarJson
{
    private static readonly LocalTimePattern HourMinute = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    private static readonly IsoDayOfWeek[] Days =
    [
        IsoDayOfWeek.Monday,
        IsoDayOfWeek.Tuesday,
        IsoDayOfWeek.Wednesday,
        IsoDayOfWeek.Thursday,
        IsoDayOfWeek.Friday,
        IsoDayOfWeek.Saturday,
        IsoDayOfWeek.Sunday,
    ];

    public static BusinessCalendar Read(JsonInput input)
    {
        input.AllowOnly("timeZone", "is24x7", "hours", "holidays");
        var is24x7 = input.Optional("is24x7")?.AsFlag() ?? false;
        var zone =
            is24x7 && input.Optional("timeZone") is null ? DateTimeZone.Utc : ReadZone(input.Required("timeZone"));
        var items = (is24x7 ? input.Optional("hours") : input.Required("hours"))?.Items().ToList() ?? [];
        if (!is24x7 && items.Count == 0)
        {
            throw input.Required("hours").Error("must have at least one open interval (or set is24x7)");
        }

        var hours = items.Select(ReadInterval).ToList();
        if (OpenInterval.FirstOverlap(hours) is var (i, j))
        {
            throw items[i].Error($"overlaps {items[j].Path} ({Describe(hours[j])})");
        }

        var holidays = input.Optional("holidays")?.Items().Select(ReadHoliday).ToList() ?? [];
        return new BusinessCalendar(zone, hours, holidays, is24x7);
    }

    /// <summary>The calendar as SPEC §3 JSON; reading it back gives the same calendar.</summary>
    public static string Write(BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("timeZone", calendar.Zone.Id);
            json.WriteBoolean("is24x7", calendar.Is24x7);
            json.WriteStartArray("hours");
            foreach (var hour in calendar.Hours)
            {
                json.WriteStartObject();
                json.WriteString("day", hour.Day.ToString());
                json.WriteString("start", HourMinute.Format(hour.Start));
                json.WriteString("end", hour.EndsAtMidnight ? "24:00" : HourMinute.Format(hour.End));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("holidays");
            foreach (var holiday in calendar.Holidays)
            {
                json.WriteStartObject();
                json.WriteString("date", LocalDatePattern.Iso.Format(holiday.Date));
                json.WriteBoolean("recurring", holiday.Recurring);
                if (holiday.Name is { } name)
                {
                    json.WriteString("name", name);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    internal static DateTimeZone ReadZone(JsonInput input)
    {
        var id = input.AsText();
        return DateTimeZoneProviders.Tzdb.GetZoneOrNull(id)
            ?? throw input.Error($"'{JsonInput.Truncate(id)}' is not an IANA time zone (for example America/New_York)");
    }

    private static OpenInterval ReadInterval(JsonInput input)
    {
        input.AllowOnly("day", "start", "end");
        var dayInput = input.Required("day");
        var dayName = dayInput.AsText();
        var day = Days.FirstOrDefault(d => string.Equals(d.ToString(), dayName, StringComparison.OrdinalIgnoreCase));
        if (day == IsoDayOfWeek.None)
        {
            throw dayInput.Error($"must be a day name, Monday to Sunday (got '{JsonInput.Truncate(dayName)}')");
        }

        var start = ReadTime(input.Required("start"), allowMidnightEnd: false);
        var endInput = input.Required("end");
        var end = ReadTime(endInput, allowMidnightEnd: true);
        var interval = end is null
            ? new OpenInterval(day, start!.Value, LocalTime.Midnight, EndsAtMidnight: true)
            : new OpenInterval(day, start!.Value, end.Value);
        if (interval.WallLength == Duration.Zero)
        {
            throw endInput.Error(
                "equals the start: an interval must not be empty (use 00:00 to 24:00 for a whole day)"
            );
        }

        return interval;
    }

    /// <summary>HH:mm; null stands for 24:00, allowed only as an end.</summary>
    private static LocalTime? ReadTime(JsonInput input, bool allowMidnightEnd)
    {
        var text = input.AsText();
        if (allowMidnightEnd && text == "24:00")
        {
            return null;
        }

        var parsed = HourMinute.Parse(text);
        if (text.Length != 5 || !parsed.Success)
        {
            throw input.Error(
                $"must be a time as HH:mm{(allowMidnightEnd ? " or 24:00" : string.Empty)} (got '{JsonInput.Truncate(text)}')"
            );
        }

        return parsed.Value;
    }

    private static Holiday ReadHoliday(JsonInput input)
    {
        input.AllowOnly("date", "recurring", "name");
        return new Holiday(
            input.Required("date").AsDate(),
            input.Optional("recurring")?.AsFlag() ?? false,
            input.Optional("name")?.AsName()
        );
    }

    private static string Describe(OpenInterval interval) =>
        $"{interval.Day} {interval.Start:HH:mm}-{(interval.EndsAtMidnight ? "24:00" : interval.End.ToString("HH:mm", null))}";
}

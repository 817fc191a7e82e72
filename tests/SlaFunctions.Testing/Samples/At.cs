using NodaTime;
using NodaTime.Text;

namespace SlaFunctions.Testing.Samples;

/// <summary>Instants and local times written the way the SPEC writes them.</summary>
public static class At
{
    public static Instant Utc(string text) => InstantPattern.ExtendedIso.Parse(text).GetValueOrThrow();

    public static Instant Local(string zone, string localDateTime) =>
        LocalDateTimePattern
            .ExtendedIso.Parse(localDateTime)
            .GetValueOrThrow()
            .InZoneStrictly(DateTimeZoneProviders.Tzdb[zone])
            .ToInstant();

    public static LocalTime Time(string text) =>
        LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text).GetValueOrThrow();
}

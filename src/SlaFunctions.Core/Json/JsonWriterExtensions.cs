using System.Text.Json;
using NodaTime;

namespace SlaFunctions.Core.Json;

internal static class JsonWriterExtensions
{
    /// <summary>Writes an instant as ISO-8601 text, or null.</summary>
    public static void WriteInstant(this Utf8JsonWriter json, string name, Instant? instant)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (instant is { } value)
        {
            json.WriteString(name, IsoText.Format(value));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>Writes a duration as ISO-8601 text (PT1H30M), or null.</summary>
    public static void WriteDuration(this Utf8JsonWriter json, string name, Duration? duration)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (duration is { } value)
        {
            json.WriteString(name, IsoText.Format(value));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}

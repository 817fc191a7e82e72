namespace SlaFunctions.Core.Json;

/// <summary>CSV fields as the CSV answers write them.</summary>
public static class CsvText
{
    /// <summary>RFC 4180: quoted when it holds a comma, quote or line break; and never read as a formula.</summary>
    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var safe = value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return safe.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? $"\"{safe.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : safe;
    }
}

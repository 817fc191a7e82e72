using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Json;

/// <summary>
/// A JSON value with the path that leads to it, so every problem found while reading names its place,
/// for example <c>$.policy.targets.P1.responseMinutes</c>.
/// </summary>
public readonly record struct JsonInput(JsonElement Element, string Path)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>Parses a whole document; malformed JSON is reported with its line and position.</summary>
    public static T Read<T>(string json, Func<JsonInput, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException("$", $"malformed JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})");
        }

        using (document)
        {
            return read(new JsonInput(document.RootElement, "$"));
        }
    }

    public InvalidInputException Error(string problem) => new(Path, problem);

    public JsonInput Required(string name) =>
        Optional(name) ?? throw new InvalidInputException(Child(name), "is required");

    public JsonInput? Optional(string name)
    {
        RequireKind(JsonValueKind.Object, "an object");
        return Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? new JsonInput(value, Child(name))
            : null;
    }

    /// <summary>Rejects properties other than the given ones: a misspelt field must not be silently ignored.</summary>
    public JsonInput AllowOnly(params string[] names)
    {
        foreach (var property in Properties())
        {
            if (!names.Contains(property.Name, StringComparer.Ordinal))
            {
                throw property.Value.Error($"is not a known property (expected {string.Join(", ", names)})");
            }
        }

        return this;
    }

    public IEnumerable<(string Name, JsonInput Value)> Properties()
    {
        RequireKind(JsonValueKind.Object, "an object");
        foreach (var property in Element.EnumerateObject())
        {
            yield return (property.Name, new JsonInput(property.Value, Child(property.Name)));
        }
    }

    public IEnumerable<JsonInput> Items()
    {
        RequireKind(JsonValueKind.Array, "an array");
        var path = Path;
        return Element.EnumerateArray().Select((item, i) => new JsonInput(item, $"{path}[{i}]"));
    }

    public string AsText()
    {
        RequireKind(JsonValueKind.String, "a string");
        return Element.GetString()!;
    }

    /// <summary>A string with at least one visible character and at most <paramref name="maxLength"/> characters.</summary>
    public string AsName(int maxLength = 200)
    {
        var value = AsText();
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Error("must not be empty");
        }

        if (value.Length > maxLength)
        {
            throw Error($"must be at most {maxLength} characters");
        }

        if (value.Any(char.IsControl))
        {
            throw Error("must not contain control characters");
        }

        return value;
    }

    public bool AsFlag() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error("must be true or false"),
    };

    public int AsWholeNumber(int min, int max)
    {
        RequireKind(JsonValueKind.Number, "a number");
        if (!Element.TryGetInt32(out var value) || value < min || value > max)
        {
            throw Error($"must be a whole number from {min} to {max}");
        }

        return value;
    }

    /// <summary>A number in (<paramref name="exclusiveMin"/>, <paramref name="max"/>], without trailing zeros.</summary>
    public decimal AsNumber(decimal exclusiveMin, decimal max)
    {
        RequireKind(JsonValueKind.Number, "a number");
        if (!Element.TryGetDecimal(out var value) || value <= exclusiveMin || value > max)
        {
            throw Error($"must be a number greater than {exclusiveMin} and at most {max}");
        }

        return value / 1.000000000000000000000000000000000m;
    }

    /// <summary>An instant in ISO-8601 with a UTC designator or offset, such as 2026-03-09T14:00:00Z.</summary>
    public Instant AsInstant()
    {
        var text = AsText();
        var parsed = OffsetDateTimePattern.ExtendedIso.Parse(text);
        if (!parsed.Success || text.Length < 20)
        {
            throw Error($"must be an ISO-8601 instant with an offset, such as 2026-03-09T14:00:00Z (got '{Truncate(text)}')");
        }

        return parsed.Value.ToInstant();
    }

    public LocalDate AsDate()
    {
        var text = AsText();
        var parsed = LocalDatePattern.Iso.Parse(text);
        return parsed.Success ? parsed.Value : throw Error($"must be a date as yyyy-MM-dd (got '{Truncate(text)}')");
    }

    internal static string Truncate(string text) =>
        text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private string Child(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(name[0])
            ? $"{Path}.{name}"
            : $"{Path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    private void RequireKind(JsonValueKind kind, string description)
    {
        if (Element.ValueKind != kind)
        {
            var actual = Element.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture);
            throw Error($"must be {description} (got {actual})");
        }
    }
}

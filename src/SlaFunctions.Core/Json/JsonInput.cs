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

    /// <summary>
    /// Parses a whole document; malformed JSON is reported with its line and position, and a document that is
    /// not sound (<see cref="RequireSound"/>) with the path at fault.
    /// </summary>
    public static T Read<T>(string json, Func<JsonInput, T> read) => Read(json, read, requireSound: true);

    /// <summary>
    /// Parses a document; with <paramref name="requireSound"/> false the reader checks the parts it reads itself,
    /// as a batch does for each of its items so that one unsound item does not sink the others.
    /// </summary>
    internal static T Read<T>(string json, Func<JsonInput, T> read, bool requireSound)
    {
        ArgumentNullException.ThrowIfNull(read);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(
                "$",
                $"malformed JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})"
            );
        }

        using (document)
        {
            var root = new JsonInput(document.RootElement, "$");
            if (requireSound)
            {
                root.RequireSound();
            }

            return read(root);
        }
    }

    /// <summary>
    /// Refuses, naming the path, what the parser lets through but nothing downstream can hold or mean: a key
    /// twice in one object (which would count?), text that is not valid Unicode (an unpaired surrogate escape
    /// such as <c>\ud800</c>) or holds NUL, which PostgreSQL text and jsonb cannot store, and a number beyond
    /// the range of a double (<c>1e1000000</c>), which jsonb cannot store either.
    /// </summary>
    public void RequireSound()
    {
        switch (Element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in Element.EnumerateObject())
                {
                    var name = SoundText(() => property.Name, Path, "a property name");
                    var child = new JsonInput(property.Value, Child(name));
                    if (!names.Add(name))
                    {
                        throw child.Error("appears twice in the same object");
                    }

                    child.RequireSound();
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in Items())
                {
                    item.RequireSound();
                }

                break;
            case JsonValueKind.String:
                var element = Element;
                SoundText(() => element.GetString()!, Path, "the text");
                break;
            case JsonValueKind.Number:
                RequireSoundNumber();
                break;
        }
    }

    private static string SoundText(Func<string> read, string path, string what)
    {
        string text;
        try
        {
            text = read();
        }
        catch (InvalidOperationException)
        {
            throw new InvalidInputException(
                path,
                $"{what} is not valid Unicode (an unpaired surrogate such as \\ud800)"
            );
        }

        return text.Contains('\0', StringComparison.Ordinal)
            ? throw new InvalidInputException(path, $"{what} must not contain NUL (\\u0000)")
            : text;
    }

    private void RequireSoundNumber()
    {
        var raw = Element.GetRawText();
        var value = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        var mantissa = raw.Split('e', 'E')[0];
        if (!double.IsFinite(value) || (value == 0 && mantissa.Any(c => c is >= '1' and <= '9')))
        {
            throw Error(
                $"is a number out of range (at most about ±1.7e308, at least about ±5e-324 unless zero; got {Truncate(raw)})"
            );
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

    /// <summary>
    /// A string with at least one visible character and at most <paramref name="maxLength"/> characters.
    /// </summary>
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

    public bool AsFlag() =>
        Element.ValueKind switch
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

    /// <summary>
    /// A number in (<paramref name="exclusiveMin"/>, <paramref name="max"/>], without trailing zeros.
    /// </summary>
    public decimal AsNumber(decimal exclusiveMin, decimal max)
    {
        RequireKind(JsonValueKind.Number, "a number");
        if (!Element.TryGetDecimal(out var value) || value <= exclusiveMin || value > max)
        {
            throw Error($"must be a number greater than {exclusiveMin} and at most {max}");
        }

        return value / 1.000000000000000000000000000000000m;
    }

    /// <summary>
    /// An instant in ISO-8601 with a UTC designator or offset, such as 2026-03-09T14:00:00Z, within
    /// <see cref="AcceptedInstants"/>.
    /// </summary>
    public Instant AsInstant()
    {
        var text = AsText();
        var parsed = OffsetDateTimePattern.ExtendedIso.Parse(text);
        if (!parsed.Success || text.Length < 20)
        {
            throw Error(
                $"must be an ISO-8601 instant with an offset, such as 2026-03-09T14:00:00Z (got '{Truncate(text)}')"
            );
        }

        // The year is checked before the offset is applied, which near the ends of NodaTime's range could overflow.
        var local = parsed.Value;
        if (
            local.Year < AcceptedInstants.FirstYear - 1
            || local.Year > AcceptedInstants.EndYear
            || !AcceptedInstants.Contains(local.ToInstant())
        )
        {
            throw Error($"must be an instant {AcceptedInstants.Description} (got '{Truncate(text)}')");
        }

        return local.ToInstant();
    }

    /// <summary>A date as yyyy-MM-dd in a year of <see cref="AcceptedInstants"/>.</summary>
    public LocalDate AsDate()
    {
        var text = AsText();
        var parsed = LocalDatePattern.Iso.Parse(text);
        if (!parsed.Success)
        {
            throw Error($"must be a date as yyyy-MM-dd (got '{Truncate(text)}')");
        }

        return AcceptedInstants.Contains(parsed.Value)
            ? parsed.Value
            : throw Error(
                $"must be a date in the years {AcceptedInstants.FirstYear} to {AcceptedInstants.EndYear - 1} (got '{Truncate(text)}')"
            );
    }

    /// <summary>
    /// A value for an error message: at most 40 characters, control characters and unpaired surrogates shown
    /// as <c>\uXXXX</c>, so that the message can be logged and stored whatever the input held.
    /// </summary>
    internal static string Truncate(string text)
    {
        var shown = text.Length <= 40 ? text : text[..40];
        var safe = new System.Text.StringBuilder(shown.Length);
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            var paired = char.IsHighSurrogate(c)
                ? i + 1 < shown.Length && char.IsLowSurrogate(shown[i + 1])
                : !char.IsLowSurrogate(c) || (i > 0 && char.IsHighSurrogate(shown[i - 1]));
            _ =
                char.IsControl(c) || !paired
                    ? safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}")
                    : safe.Append(c);
        }

        return text.Length <= 40 ? safe.ToString() : safe.Append('…').ToString();
    }

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

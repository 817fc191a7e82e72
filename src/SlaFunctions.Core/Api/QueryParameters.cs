using System.Collections.Immutable;
using NodaTime;
using NodaTime.Text;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Api;

/// <summary>
/// A route's query string, read parameter by parameter: every problem names the parameter at fault. A list
/// parameter may be repeated or comma-separated; any other may be given once.
/// </summary>
internal sealed class QueryParameters
{
    private readonly ILookup<string, string> values;

    public QueryParameters(IEnumerable<KeyValuePair<string, string>> query, params string[] allowed)
    {
        values = query.ToLookup(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var name in values.Select(g => g.Key))
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                throw new InvalidInputException(
                    JsonInput.Truncate(name),
                    $"is not a parameter of this route (expected one of {string.Join(", ", allowed)})"
                );
            }
        }
    }

    public string? Text(string name)
    {
        var given = values[name].ToList();
        return given.Count switch
        {
            0 => null,
            1 when given[0].Length == 0 => throw new InvalidInputException(name, "must not be empty"),
            1 => given[0],
            _ => throw new InvalidInputException(name, "must be given once"),
        };
    }

    public ImmutableArray<string> List(string name, int maxLength = Identifiers.MaxLength)
    {
        var items = values[name].SelectMany(v => v.Split(',')).Select(v => v.Trim()).ToImmutableArray();
        foreach (var item in items)
        {
            if (item.Length == 0 || item.Length > maxLength)
            {
                throw new InvalidInputException(
                    name,
                    $"must list values of 1 to {maxLength} characters, separated by commas"
                );
            }
        }

        return items.Length > 100 ? throw new InvalidInputException(name, "must list at most 100 values") : items;
    }

    public T? Choice<T>(string name, IReadOnlyDictionary<string, T> choices)
        where T : struct =>
        Text(name) is { } text
            ? choices.TryGetValue(text, out var choice)
                ? choice
                : throw Unknown(name, text, choices.Keys)
            : null;

    public ImmutableArray<T> Choices<T>(string name, IReadOnlyDictionary<string, T> choices) =>
        [
            .. List(name)
                .Select(text =>
                    choices.TryGetValue(text, out var choice) ? choice : throw Unknown(name, text, choices.Keys)
                ),
        ];

    public Instant? Instant(string name) => Text(name) is { } text ? ParseInstant(name, text) : null;

    /// <summary>A positive ISO-8601 duration (days are 24 hours; years and months have no fixed length).</summary>
    public Duration? Duration(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        var parsed = PeriodPattern.NormalizingIso.Parse(text);
        if (!parsed.Success || parsed.Value.Years != 0 || parsed.Value.Months != 0)
        {
            throw new InvalidInputException(
                name,
                $"must be an ISO-8601 duration in days, hours, minutes or seconds, such as PT1H (got '{JsonInput.Truncate(text)}')"
            );
        }

        var duration = parsed.Value.ToDuration();
        return duration > NodaTime.Duration.Zero
            ? duration
            : throw new InvalidInputException(name, "must be longer than zero");
    }

    public bool? Boolean(string name) =>
        Text(name) switch
        {
            null => null,
            "true" => true,
            "false" => false,
            var text => throw new InvalidInputException(
                name,
                $"must be true or false (got '{JsonInput.Truncate(text)}')"
            ),
        };

    public int Integer(string name, int fallback, int min, int max) =>
        ParseInteger(name, Text(name), fallback, min, max);

    /// <summary>
    /// A whole number from <paramref name="min"/> to <paramref name="max"/>, or <paramref name="fallback"/> when
    /// absent.
    /// </summary>
    public static int ParseInteger(string name, string? text, int fallback, int min, int max) =>
        text is null ? fallback
        : int.TryParse(
            text,
            System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture,
            out var n
        )
        && n >= min
        && n <= max
            ? n
        : throw new InvalidInputException(name, $"must be a whole number from {min} to {max}");

    public static Instant ParseInstant(string name, string text)
    {
        var parsed = OffsetDateTimePattern.ExtendedIso.Parse(text);
        return parsed.Success && text.Length >= 20
            ? parsed.Value.ToInstant()
            : throw new InvalidInputException(
                name,
                $"must be an ISO-8601 instant with an offset, such as 2026-03-09T14:00:00Z (got '{JsonInput.Truncate(text)}')"
            );
    }

    private static InvalidInputException Unknown(string name, string text, IEnumerable<string> known) =>
        new(name, $"'{JsonInput.Truncate(text)}' is not one of {string.Join(", ", known)}");
}

using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Policies;

/// <summary>Reads a policy definition (SPEC §3) with errors that name the JSON path.</summary>
internal static class PolicyJson
{
    /// <summary>Ten years of minutes: beyond that a target is a mistake, not an agreement.</summary>
    public const int MaxTargetMinutes = 10 * 365 * 24 * 60;

    public const decimal MaxPercent = 1000m;

    /// <param name="calendars">Finds a calendar by the id the policy names; null when there is none.</param>
    public static SlaPolicy Read(JsonInput input, PolicyRef reference, Func<string, BusinessCalendar?> calendars)
    {
        ArgumentNullException.ThrowIfNull(calendars);
        input.AllowOnly("calendar", "targets", "thresholds", "pauseStatuses");
        var calendarInput = input.Required("calendar");
        var calendarId = calendarInput.AsName();
        var calendar =
            calendars(calendarId)
            ?? throw calendarInput.Error($"'{JsonInput.Truncate(calendarId)}' is not a known calendar");

        var targetsInput = input.Required("targets");
        var targets = targetsInput
            .Properties()
            .ToDictionary(p => ReadPriority(p.Name, p.Value), p => ReadTarget(p.Value), StringComparer.Ordinal);
        if (targets.Count == 0)
        {
            throw targetsInput.Error("must name at least one priority");
        }

        var thresholds = input.Optional("thresholds") is { } thresholdsInput
            ? ReadThresholds(thresholdsInput)
            : Threshold.Defaults;
        var pauseStatuses = input.Optional("pauseStatuses")?.Items().Select(i => i.AsName()).ToList() ?? [];
        return new SlaPolicy(reference, calendar, targets, thresholds, pauseStatuses);
    }

    /// <summary>The policy as SPEC §3 JSON, naming its calendar by <paramref name="calendarId"/>.</summary>
    public static string Write(SlaPolicy policy, string calendarId)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("calendar", calendarId);
            json.WriteStartObject("targets");
            foreach (var (priority, target) in policy.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(priority);
                if (target.Response is { } response)
                {
                    json.WriteNumber("responseMinutes", (long)response.TotalMinutes);
                }

                if (target.Resolution is { } resolution)
                {
                    json.WriteNumber("resolutionMinutes", (long)resolution.TotalMinutes);
                }

                json.WriteBoolean("is24x7", target.Is24x7);
                json.WriteStartArray("escalations");
                target.Escalations.ToList().ForEach(json.WriteNumberValue);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartArray("thresholds");
            foreach (var threshold in policy.Thresholds)
            {
                json.WriteStartObject();
                json.WriteNumber("percent", threshold.Percent);
                json.WriteStartArray("notify");
                threshold.Notify.ToList().ForEach(json.WriteStringValue);
                json.WriteEndArray();
                json.WriteStartArray("channels");
                threshold.Channels.ToList().ForEach(json.WriteStringValue);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("pauseStatuses");
            policy.PauseStatuses.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static string ReadPriority(string name, JsonInput target) =>
        string.IsNullOrWhiteSpace(name) || name.Length > 100 || name.Any(char.IsControl)
            ? throw target.Error("a priority name must be 1 to 100 visible characters")
            : name;

    private static SlaTarget ReadTarget(JsonInput input)
    {
        input.AllowOnly("responseMinutes", "resolutionMinutes", "is24x7", "escalations");
        var escalations =
            input.Optional("escalations")?.Items().Select(i => i.AsNumber(0, MaxPercent)).ToImmutableArray() ?? [];
        for (var i = 1; i < escalations.Length; i++)
        {
            if (escalations[i] <= escalations[i - 1])
            {
                throw input
                    .Required("escalations")
                    .Items()
                    .ElementAt(i)
                    .Error("escalation percents must increase: levels are numbered by position");
            }
        }

        return new SlaTarget(
            ReadMinutes(input.Optional("responseMinutes")),
            ReadMinutes(input.Optional("resolutionMinutes")),
            input.Optional("is24x7")?.AsFlag() ?? false,
            escalations
        );
    }

    private static Duration? ReadMinutes(JsonInput? input) =>
        input is { } minutes ? Duration.FromMinutes(minutes.AsWholeNumber(1, MaxTargetMinutes)) : null;

    private static ImmutableArray<Threshold> ReadThresholds(JsonInput input)
    {
        var thresholds = new List<Threshold>();
        foreach (var item in input.Items())
        {
            var threshold =
                item.Element.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? ReadThresholdObject(item)
                    : new Threshold(item.AsNumber(0, MaxPercent), [], []);
            if (thresholds.Any(t => t.Percent == threshold.Percent))
            {
                throw item.Error($"repeats the threshold {threshold.Percent}");
            }

            thresholds.Add(threshold);
        }

        return [.. thresholds];
    }

    private static Threshold ReadThresholdObject(JsonInput input)
    {
        input.AllowOnly("percent", "notify", "channels");
        return new Threshold(
            input.Required("percent").AsNumber(0, MaxPercent),
            input.Optional("notify")?.Items().Select(i => i.AsName()).ToImmutableArray() ?? [],
            input.Optional("channels")?.Items().Select(i => i.AsName()).ToImmutableArray() ?? []
        );
    }
}

using System.Text.Json.Nodes;
using Xunit;

namespace SlaFunctions.Testing.Samples;

/// <summary>
/// Every kind of bad scenario, as an edit of samples/spec-example.json and the JSON path its refusal names: the
/// cases of the simulator's validation tests, and of the self-host's bad-input tests for POST /api/simulate.
/// </summary>
public static class BadScenarios
{
    public static TheoryData<string, string, string> Cases() =>
        new()
        {
            // case name, JSON edit (path=value, value as JSON; "-" removes), expected error path
            { "invalid zone", "calendars.ny.timeZone=\"Mars/Olympus\"", "$.calendars.ny.timeZone" },
            { "zone not a string", "calendars.ny.timeZone=5", "$.calendars.ny.timeZone" },
            { "hour without leading zero", "calendars.ny.hours[0].start=\"9:00\"", "$.calendars.ny.hours[0].start" },
            { "hour 25", "calendars.ny.hours[0].start=\"25:00\"", "$.calendars.ny.hours[0].start" },
            { "minute 60", "calendars.ny.hours[0].end=\"17:60\"", "$.calendars.ny.hours[0].end" },
            { "time with seconds", "calendars.ny.hours[0].end=\"17:00:00\"", "$.calendars.ny.hours[0].end" },
            { "24:00 as a start", "calendars.ny.hours[0].start=\"24:00\"", "$.calendars.ny.hours[0].start" },
            { "time as a number", "calendars.ny.hours[0].start=900", "$.calendars.ny.hours[0].start" },
            { "empty interval", "calendars.ny.hours[0].end=\"09:00\"", "$.calendars.ny.hours[0].end" },
            {
                "overlapping intervals",
                "calendars.ny.hours[1]={\"day\":\"Monday\",\"start\":\"16:00\",\"end\":\"18:00\"}",
                "$.calendars.ny.hours[1]"
            },
            {
                "overnight overlapping next day",
                "calendars.ny.hours[1]={\"day\":\"Sunday\",\"start\":\"22:00\",\"end\":\"10:00\"}",
                "$.calendars.ny.hours[1]"
            },
            { "unknown day", "calendars.ny.hours[0].day=\"Funday\"", "$.calendars.ny.hours[0].day" },
            { "day as a number", "calendars.ny.hours[0].day=\"1\"", "$.calendars.ny.hours[0].day" },
            { "no hours", "calendars.ny.hours=[]", "$.calendars.ny.hours" },
            { "hours missing", "calendars.ny.hours=-", "$.calendars.ny.hours" },
            { "bad holiday date", "calendars.ny.holidays[0].date=\"2026-02-30\"", "$.calendars.ny.holidays[0].date" },
            {
                "holiday recurring not a flag",
                "calendars.ny.holidays[0].recurring=\"yes\"",
                "$.calendars.ny.holidays[0].recurring"
            },
            { "unknown calendar property", "calendars.ny.timezone=\"UTC\"", "$.calendars.ny.timezone" },
            { "unknown calendar", "policy.calendar=\"london\"", "$.policy.calendar" },
            { "zero target", "policy.targets.P1.responseMinutes=0", "$.policy.targets.P1.responseMinutes" },
            { "negative target", "policy.targets.P1.resolutionMinutes=-5", "$.policy.targets.P1.resolutionMinutes" },
            { "fractional target", "policy.targets.P1.responseMinutes=1.5", "$.policy.targets.P1.responseMinutes" },
            { "huge target", "policy.targets.P1.responseMinutes=99999999999", "$.policy.targets.P1.responseMinutes" },
            {
                "target as a string",
                "policy.targets.P2.responseMinutes=\"240\"",
                "$.policy.targets.P2.responseMinutes"
            },
            { "no targets", "policy.targets={}", "$.policy.targets" },
            { "percent zero", "policy.thresholds[0]=0", "$.policy.thresholds[0]" },
            { "percent negative", "policy.thresholds[1]=-10", "$.policy.thresholds[1]" },
            { "percent above 1000", "policy.thresholds[3]=1000.5", "$.policy.thresholds[3]" },
            { "duplicate percent", "policy.thresholds[1]=50", "$.policy.thresholds[1]" },
            {
                "threshold object without percent",
                "policy.thresholds[0]={\"notify\":[\"assignee\"]}",
                "$.policy.thresholds[0].percent"
            },
            {
                "threshold notify not a list",
                "policy.thresholds[0]={\"percent\":50,\"notify\":\"assignee\"}",
                "$.policy.thresholds[0].notify"
            },
            { "escalation above 1000", "policy.targets.P1.escalations[2]=1100", "$.policy.targets.P1.escalations[2]" },
            {
                "escalations not increasing",
                "policy.targets.P1.escalations[1]=60",
                "$.policy.targets.P1.escalations[1]"
            },
            { "empty pausing status", "policy.pauseStatuses[0]=\"\"", "$.policy.pauseStatuses[0]" },
            { "unknown target property", "policy.targets.P1.responseMins=60", "$.policy.targets.P1.responseMins" },
            { "policy missing", "policy=-", "$.policy" },
            { "calendars missing", "calendars=-", "$.calendars" },
            { "events missing", "events=-", "$.events" },
            { "events not a list", "events={}", "$.events" },
            { "no events", "events=[]", "$.events" },
            { "first event not created", "events[0].type=\"responded\"", "$.events[0].type" },
            {
                "created twice",
                "events[3]={\"at\":\"2026-03-09T15:10:00Z\",\"type\":\"created\",\"priority\":\"P1\"}",
                "$.events[3].type"
            },
            { "unknown event type", "events[1].type=\"escalated\"", "$.events[1].type" },
            {
                "definitions changing nothing",
                "events[4]={\"at\":\"2026-03-09T16:00:00Z\",\"type\":\"definitions\"}",
                "$.events[4]"
            },
            {
                "definitions naming an unknown calendar",
                "events[4]={\"at\":\"2026-03-09T16:00:00Z\",\"type\":\"definitions\",\"policy\":{\"calendar\":\"london\",\"targets\":{\"P1\":{\"responseMinutes\":60}}}}",
                "$.events[4].policy.calendar"
            },
            {
                "definitions without a target for the ticket's priority",
                "events[4]={\"at\":\"2026-03-09T16:00:00Z\",\"type\":\"definitions\",\"policy\":{\"calendar\":\"ny\",\"targets\":{\"P2\":{\"responseMinutes\":60}}}}",
                "$.events[4].policy.targets"
            },
            {
                "definitions with a bad calendar",
                "events[4]={\"at\":\"2026-03-09T16:00:00Z\",\"type\":\"definitions\",\"calendars\":{\"ny\":{\"timeZone\":\"Mars/Olympus\",\"hours\":[]}}}",
                "$.events[4].calendars.ny.timeZone"
            },
            {
                "definitions with an unknown property",
                "events[4]={\"at\":\"2026-03-09T16:00:00Z\",\"type\":\"definitions\",\"calendars\":{},\"priority\":\"P1\"}",
                "$.events[4].priority"
            },
            {
                "a priority the policy in force lacks",
                "events[3]={\"at\":\"2026-03-09T15:10:00Z\",\"type\":\"definitions\",\"policy\":{\"calendar\":\"ny\",\"targets\":{\"P1\":{\"responseMinutes\":60}}}}",
                "$.events[4].priority"
            },
            { "event type missing", "events[1].type=-", "$.events[1].type" },
            { "unknown priority at creation", "events[0].priority=\"P9\"", "$.events[0].priority" },
            { "unknown priority later", "events[4].priority=\"P3\"", "$.events[4].priority" },
            { "priority missing", "events[4].priority=-", "$.events[4].priority" },
            { "status missing", "events[1].status=-", "$.events[1].status" },
            { "event out of order", "events[3].at=\"2026-03-09T14:30:00Z\"", "$.events[3].at" },
            { "event before creation", "events[1].at=\"2026-03-01T00:00:00Z\"", "$.events[1].at" },
            { "at missing", "events[5].at=-", "$.events[5].at" },
            { "at without offset", "events[5].at=\"2026-03-10T18:00:00\"", "$.events[5].at" },
            { "at as a date", "events[5].at=\"2026-03-10\"", "$.events[5].at" },
            { "at as a number", "events[5].at=1773165600", "$.events[5].at" },
            { "unknown event property", "events[5].priority=\"P1\"", "$.events[5].priority" },
            {
                "pause without reason",
                "events[1]={\"at\":\"2026-03-09T14:00:00Z\",\"type\":\"pause\"}",
                "$.events[1].reason"
            },
            { "until before creation", "until=\"2026-03-01T00:00:00Z\"", "$.until" },
            { "until not an instant", "until=\"tomorrow\"", "$.until" },
            { "unknown top-level property", "untill=\"2026-03-12T00:00:00Z\"", "$.untill" },
            { "unpaired high surrogate", "events[1].status=\"open\\\\ud800\"", "$.events[1].status" },
            {
                "unpaired low surrogate",
                "calendars.ny.holidays[0].name=\"\\\\udc00x\"",
                "$.calendars.ny.holidays[0].name"
            },
            { "NUL in a string", "events[1].status=\"a\\\\u0000b\"", "$.events[1].status" },
            {
                "number beyond a double",
                "policy.targets.P1.responseMinutes=1e1000000",
                "$.policy.targets.P1.responseMinutes"
            },
            { "number below a double", "policy.thresholds[0]=1e-400", "$.policy.thresholds[0]" },
            { "created in year 1", "events[0].at=\"0001-01-01T00:00:00Z\"", "$.events[0].at" },
            { "created before 1900", "events[0].at=\"1899-12-31T23:59:59Z\"", "$.events[0].at" },
            { "until in year 9999", "until=\"9999-12-31T23:59:59Z\"", "$.until" },
            { "until at the end of accepted time", "until=\"9000-01-01T00:00:00Z\"", "$.until" },
            { "until past the end by its offset", "until=\"8999-12-31T23:00:00-01:00\"", "$.until" },
            { "at the far end of NodaTime's offsets", "events[7].at=\"9999-12-31T23:59:59-18:00\"", "$.events[7].at" },
            { "holiday in year 1", "calendars.ny.holidays[0].date=\"0001-01-01\"", "$.calendars.ny.holidays[0].date" },
            {
                "holiday in year 9999",
                "calendars.ny.holidays[0].date=\"9999-12-31\"",
                "$.calendars.ny.holidays[0].date"
            },
        };

    /// <summary>
    /// Applies "a.b[0].c=JSON" (or "=-" to remove) to the document. A <c>\\u</c> in a string value (an escaped
    /// backslash) becomes the escape <c>\u</c> in the result, so that an edit can write an unpaired surrogate.
    /// </summary>
    public static string Edit(string json, string edit)
    {
        var root = JsonNode.Parse(json)!;
        var (path, value) = (
            edit[..edit.IndexOf('=', StringComparison.Ordinal)],
            edit[(edit.IndexOf('=', StringComparison.Ordinal) + 1)..]
        );
        var steps = path.Replace("[", ".[", StringComparison.Ordinal).Split('.');
        var parent = root;
        foreach (var step in steps[..^1])
        {
            parent = step.StartsWith('[')
                ? parent[int.Parse(step[1..^1], System.Globalization.CultureInfo.InvariantCulture)]!
                : parent[step]!;
        }

        var last = steps[^1];
        if (last.StartsWith('['))
        {
            var index = int.Parse(last[1..^1], System.Globalization.CultureInfo.InvariantCulture);
            var array = parent.AsArray();
            if (index < array.Count)
            {
                array[index] = JsonNode.Parse(value);
            }
            else
            {
                array.Add(JsonNode.Parse(value));
            }
        }
        else if (value == "-")
        {
            parent.AsObject().Remove(last);
        }
        else
        {
            parent[last] = JsonNode.Parse(value);
        }

        return root.ToJsonString().Replace("\\\\u", "\\u", StringComparison.Ordinal);
    }
}

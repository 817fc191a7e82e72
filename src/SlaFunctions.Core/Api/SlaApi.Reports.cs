using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Api;

public sealed partial class SlaApi
{
    public const string Csv = "text/csv";

    /// <summary>The query parameters of <c>GET …/reports/compliance</c>.</summary>
    public static readonly ImmutableArray<string> ComplianceParameters = ["from", "to", "zone", "groupBy"];

    private static readonly ImmutableDictionary<string, ComplianceGroupBy> GroupByNames =
        ImmutableDictionary.CreateRange(
            Enum.GetValues<ComplianceGroupBy>().Select(g => KeyValuePair.Create(g.ToString().ToLowerInvariant(), g))
        );

    /// <summary>
    /// <c>GET /api/tenants/{tenant}/reports/compliance?from=&amp;to=&amp;zone=&amp;groupBy=</c>: met, breached,
    /// cancelled and still-running phases per group over [from, to), with achievement rate, business time
    /// elapsed at completion (p50, p90) and business time over target (<see cref="ComplianceQuery"/>). JSON, or
    /// CSV when the caller accepts <c>text/csv</c> and not JSON.
    /// </summary>
    public Task<ApiResponse> ComplianceAsync(
        string? authorization,
        string tenant,
        IEnumerable<KeyValuePair<string, string>> query,
        string? accept,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var report = ReadCompliance(new QueryParameters(query, [.. ComplianceParameters]));
                var groups = await queries.ComplianceAsync(tenant, report, Now, cancellationToken);
                return WantsCsv(accept) ? ComplianceCsv(report, groups) : ComplianceJson(report, groups);
            }
        );

    private static ComplianceQuery ReadCompliance(QueryParameters query)
    {
        var zone = query.Text("zone") is { } id
            ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(id)
                ?? throw new InvalidInputException(
                    "zone",
                    $"'{JsonInput.Truncate(id)}' is not an IANA time zone, such as Europe/London"
                )
            : DateTimeZone.Utc;
        var from = Bound(query, "from", zone);
        var to = Bound(query, "to", zone);
        var groupBy = query.Choices("groupBy", GroupByNames);
        if (groupBy.Distinct().Count() != groupBy.Length)
        {
            throw new InvalidInputException("groupBy", "must name each grouping once");
        }

        return from < to
            ? new ComplianceQuery(from, to, zone, groupBy)
            : throw new InvalidInputException("to", "must be later than from");
    }

    /// <summary>An instant, or a local date meaning its first instant in the report's zone.</summary>
    private static Instant Bound(QueryParameters query, string name, DateTimeZone zone)
    {
        var text =
            query.Text(name)
            ?? throw new InvalidInputException(
                name,
                "is required: an instant such as 2026-11-01T00:00:00Z, or a date such as 2026-11-01"
            );
        var date = LocalDatePattern.Iso.Parse(text);
        return date.Success ? zone.AtStartOfDay(date.Value).ToInstant() : QueryParameters.ParseInstant(name, text);
    }

    private static bool WantsCsv(string? accept) =>
        accept is not null
        && accept.Contains(Csv, StringComparison.OrdinalIgnoreCase)
        && !accept.Contains(ApiResponse.Json, StringComparison.OrdinalIgnoreCase);

    private static ApiResponse ComplianceJson(ComplianceQuery report, ImmutableArray<ComplianceGroup> groups) =>
        ApiResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("from", IsoText.Format(report.From));
            json.WriteString("to", IsoText.Format(report.To));
            json.WriteString("zone", report.Zone.Id);
            json.WriteStartArray("groupBy");
            foreach (var by in report.GroupBy)
            {
                json.WriteStringValue(by.ToString().ToLowerInvariant());
            }

            json.WriteEndArray();
            json.WriteStartArray("groups");
            foreach (var group in groups)
            {
                json.WriteStartObject();
                for (var i = 0; i < report.GroupBy.Length; i++)
                {
                    json.WriteString(report.GroupBy[i].ToString().ToLowerInvariant(), group.Keys[i]);
                }

                json.WriteNumber("met", group.Met);
                json.WriteNumber("breached", group.Breached);
                json.WriteNumber("cancelled", group.Cancelled);
                json.WriteNumber("running", group.Running);
                if (group.AchievementRate is { } rate)
                {
                    json.WriteNumber("achievementRate", Math.Round(rate, 4));
                }
                else
                {
                    json.WriteNull("achievementRate");
                }

                json.WriteDuration("elapsedP50", group.ElapsedP50);
                json.WriteDuration("elapsedP90", group.ElapsedP90);
                json.WriteString("overTarget", IsoText.Format(group.OverTarget));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });

    /// <summary>One row per group; durations in seconds, which a spreadsheet can sum and chart.</summary>
    private static ApiResponse ComplianceCsv(ComplianceQuery report, ImmutableArray<ComplianceGroup> groups)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(
            ',',
            report
                .GroupBy.Select(g => g.ToString().ToLowerInvariant())
                .Concat([
                    "met",
                    "breached",
                    "cancelled",
                    "running",
                    "achievementRate",
                    "elapsedP50Seconds",
                    "elapsedP90Seconds",
                    "overTargetSeconds",
                ])
        );
        csv.Append("\r\n");
        foreach (var group in groups)
        {
            csv.AppendJoin(
                ',',
                group
                    .Keys.Select(k => CsvText.Field(k ?? string.Empty))
                    .Concat([
                        Number(group.Met),
                        Number(group.Breached),
                        Number(group.Cancelled),
                        Number(group.Running),
                        group.AchievementRate is { } rate
                            ? Math.Round(rate, 4).ToString(CultureInfo.InvariantCulture)
                            : string.Empty,
                        Seconds(group.ElapsedP50),
                        Seconds(group.ElapsedP90),
                        Seconds(group.OverTarget),
                    ])
            );
            csv.Append("\r\n");
        }

        return new ApiResponse(200, csv.ToString(), Csv + "; charset=utf-8");
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(Duration? duration) =>
        duration is { } d ? Math.Round(d.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture) : string.Empty;
}

using System.Collections.Immutable;
using System.Text.Json;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Rendering;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Api;

public sealed partial class SlaApi
{
    /// <summary>
    /// <c>POST /api/tenants/{tenant}/events</c>: a JSON array of 1 to 500 domain events (SPEC §5, plain or
    /// CloudEvents). Each gets its own result: applied, duplicate, parked, ignored or dead-lettered, and why.
    /// </summary>
    public Task<ApiResponse> IngestAsync(
        string? authorization,
        string tenant,
        string body,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var items = EventBatch.Read(body, tenant);
                var accepted = items.Where(i => i.IsAccepted).ToList();
                var ingested = await events.IngestBatchAsync([.. accepted.Select(i => i.Envelope!)], cancellationToken);
                var resultOf = accepted.Zip(ingested).ToDictionary(p => p.First.Index, p => p.Second);
                var results = new List<(BatchItem Item, IngestResult Result)>();
                foreach (var item in items)
                {
                    if (item.IsAccepted)
                    {
                        results.Add((item, resultOf[item.Index]));
                        continue;
                    }

                    var rejection = item.Rejection;
                    await events.DeadLetterAsync(
                        new(tenant, item.EventId, rejection.Reason, rejection.Description, item.Payload),
                        cancellationToken
                    );
                    results.Add((item, IngestResult.DeadLettered(rejection)));
                }

                return ApiResponse.Ok(json =>
                {
                    json.WriteStartObject();
                    json.WriteStartArray("results");
                    foreach (var (item, result) in results)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("index", item.Index);
                        json.WriteString("eventId", item.EventId);
                        json.WriteString("status", WireNames.Of(result.Status));
                        if (result.Reason is { } reason)
                        {
                            json.WriteString("reason", reason);
                        }

                        if (result.Field is { } field)
                        {
                            json.WriteString(
                                "field",
                                field.StartsWith("$[", StringComparison.Ordinal) || !field.StartsWith('$')
                                    ? field
                                    : item.Path + field[1..]
                            );
                        }

                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                });
            }
        );

    /// <summary>
    /// <c>GET /api/tenants/{tenant}/dead-letters?after=&amp;limit=</c>: dead-lettered input, oldest first, with reason
    /// and original payload.
    /// </summary>
    public Task<ApiResponse> DeadLettersAsync(
        string? authorization,
        string tenant,
        string? after,
        string? limit,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var afterId =
                    after is null ? (long?)null
                    : long.TryParse(after, out var a) && a >= 0 ? a
                    : throw new InvalidInputException("after", "must be a dead-letter id (a whole number, 0 or more)");
                var take = QueryParameters.ParseInteger("limit", limit, fallback: 100, min: 1, max: 500);
                var letters = await events.ListDeadLettersAsync(tenant, afterId, take, cancellationToken);
                return ApiResponse.Ok(json =>
                {
                    json.WriteStartObject();
                    json.WriteStartArray("items");
                    foreach (var letter in letters)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("id", letter.Id);
                        json.WriteString("eventId", letter.EventId);
                        json.WriteString("reason", letter.Reason);
                        json.WriteString("description", letter.Description);
                        json.WriteString("payload", letter.Payload);
                        json.WriteString("at", IsoText.Format(letter.At));
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    if (letters.Length == take)
                    {
                        json.WriteNumber("next", letters[^1].Id);
                    }

                    json.WriteEndObject();
                });
            }
        );

    /// <summary>
    /// <c>POST /api/simulate</c>: SPEC §3, with no tenant and no side effects. The result JSON, or the timeline
    /// picture when the Accept header prefers <c>image/svg+xml</c>; errors are problems either way. A scenario is
    /// bounded
    /// by <see cref="ScenarioLimits"/>, and the run stops when <paramref name="cancellationToken"/> says the caller
    /// went away.
    /// </summary>
    public static ApiResponse Simulate(
        string body,
        string? accept = null,
        CancellationToken cancellationToken = default
    )
    {
        try
        {
            var format = AcceptHeader.Prefers(accept, TimelineSvg.ContentType, ApiResponse.Json)
                ? SimulationFormat.Svg
                : SimulationFormat.Json;
            return new ApiResponse(
                200,
                SimulationOutput.Run(body, format, cancellationToken),
                SimulationOutput.ContentType(format)
            )
            {
                Headers = ImmutableDictionary<string, string>.Empty.Add("Vary", "Accept"),
            };
        }
        catch (InvalidInputException e)
        {
            return Problem.InvalidInput(e.Path, e.Problem);
        }
    }

    /// <summary><c>GET /api/health</c>: 200 when the database answers and is migrated, 503 otherwise.</summary>
    public async Task<ApiResponse> HealthAsync(CancellationToken cancellationToken = default)
    {
        var problem = await health.ProblemAsync(cancellationToken);
        return problem is null
            ? ApiResponse.Ok(json =>
            {
                json.WriteStartObject();
                json.WriteString("status", "healthy");
                json.WriteString("at", IsoText.Format(Now));
                json.WriteEndObject();
            })
            : Problem.Unavailable(problem);
    }
}

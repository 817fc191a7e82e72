using System.Collections.Immutable;
using System.Text.Json;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Api;

/// <summary>What a handler answers: a status, a body and its content type, and any extra headers.</summary>
public sealed record ApiResponse(int Status, string Body, string ContentType)
{
    public const string Json = "application/json";

    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary<string, string>.Empty;

    public static ApiResponse Ok(Action<Utf8JsonWriter> write, int status = 200) =>
        new(status, JsonText.Write(write), Json);
}

/// <summary>
/// Errors as RFC 9457 problem details, each with a stable <c>type</c> and, where one thing is at fault,
/// the <c>field</c> naming it (a JSON path into the body, a route value, or a header).
/// </summary>
public static class Problem
{
    public const string ContentType = "application/problem+json";
    public const string TypeBase = "https://slafunctions.dev/problems/";

    public static ApiResponse InvalidInput(string field, string detail) =>
        Of(400, "invalid-input", "The request is not valid.", detail, field);

    public static ApiResponse Unauthorized(string detail) =>
        Of(401, "unauthorized", "An API key is required.", detail, "Authorization") with
        {
            Headers = ImmutableDictionary<string, string>.Empty.Add("WWW-Authenticate", "Bearer"),
        };

    public static ApiResponse Forbidden(string detail) =>
        Of(403, "forbidden", "The API key does not give access to this tenant.", detail, "tenant");

    public static ApiResponse Conflict(string field, string detail) =>
        Of(409, "conflict", "The request contradicts one already accepted.", detail, field);

    public static ApiResponse TooLate(string field, string detail) =>
        Of(422, "too-late", "The event is later than the tenant's late-event tolerance allows.", detail, field);

    public static ApiResponse NotFound(string field, string detail) =>
        Of(404, "not-found", "Not found.", detail, field);

    public static ApiResponse TooLarge(long limit) =>
        Of(
            413,
            "payload-too-large",
            "The request body is too large.",
            $"the body must be at most {limit} bytes",
            "body"
        );

    public static ApiResponse UnsupportedMediaType(string contentType) =>
        Of(
            415,
            "unsupported-media-type",
            "The body must be JSON.",
            $"Content-Type '{JsonInput.Truncate(contentType)}' is not application/json",
            "Content-Type"
        );

    public static ApiResponse Unavailable(string detail) =>
        Of(503, "unavailable", "The service cannot answer now.", detail, null);

    /// <summary>
    /// How long a client should wait before retrying a request refused because a dependency is unavailable.
    /// </summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>503 with <c>Retry-After</c>: the dependency (such as the database) cannot be reached now.</summary>
    public static ApiResponse DependencyUnavailable(string dependency) =>
        Of(
            503,
            $"{dependency}-unavailable",
            $"The {dependency} is unavailable.",
            $"the {dependency} cannot be reached now; the request did not complete and is safe to repeat: retry after {RetryAfterSeconds} seconds",
            null
        ) with
        {
            Headers = ImmutableDictionary<string, string>.Empty.Add(
                "Retry-After",
                RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ),
        };

    public static ApiResponse Internal(string traceId) =>
        Of(500, "internal", "Something went wrong on our side.", $"the error is logged under {traceId}", null);

    public static ApiResponse Of(int status, string slug, string title, string detail, string? field) =>
        new(
            status,
            JsonText.Write(json =>
            {
                json.WriteStartObject();
                json.WriteString("type", TypeBase + slug);
                json.WriteString("title", title);
                json.WriteNumber("status", status);
                json.WriteString("detail", detail);
                if (field is not null)
                {
                    json.WriteString("field", field);
                }

                json.WriteEndObject();
            }),
            ContentType
        );
}

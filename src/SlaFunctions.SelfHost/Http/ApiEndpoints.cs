using SlaFunctions.Core.Api;
using SlaFunctions.Core.Rendering;
using SlaFunctions.Core.Service;

namespace SlaFunctions.SelfHost.Http;

/// <summary>The routes of SPEC §4, each a translation: request in, <see cref="SlaApi"/> call, response out.</summary>
public static class ApiEndpoints
{
    public static void MapSlaApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        var tenant = api.MapGroup("/tenants/{tenant}").WithTags("Tenant");

        tenant
            .MapPut(
                "/calendars/{calendarId}",
                (HttpContext http, SlaApi sla, string tenant, string calendarId) =>
                    WithBody(
                        http,
                        body => sla.PutCalendarAsync(Authorization(http), tenant, calendarId, body, http.RequestAborted)
                    )
            )
            .Documented<Schemas.Calendar>("Create or update a calendar (SPEC §3); answers its version.");

        tenant
            .MapPut(
                "/policies/{policyId}",
                (HttpContext http, SlaApi sla, string tenant, string policyId) =>
                    WithBody(
                        http,
                        body => sla.PutPolicyAsync(Authorization(http), tenant, policyId, body, http.RequestAborted)
                    )
            )
            .Documented<Schemas.Policy>("Create or update a policy (SPEC §3); answers its version.");

        tenant
            .MapPut(
                "/assignments/clients/{clientId}",
                (HttpContext http, SlaApi sla, string tenant, string clientId) =>
                    WithBody(
                        http,
                        body =>
                            sla.AssignAsync(
                                Authorization(http),
                                tenant,
                                AssignmentScope.Client,
                                clientId,
                                body,
                                http.RequestAborted
                            )
                    )
            )
            .Documented<Schemas.Assignment>("The policy of a client's tickets when their start names none.");

        tenant
            .MapPut(
                "/assignments/boards/{boardId}",
                (HttpContext http, SlaApi sla, string tenant, string boardId) =>
                    WithBody(
                        http,
                        body =>
                            sla.AssignAsync(
                                Authorization(http),
                                tenant,
                                AssignmentScope.Board,
                                boardId,
                                body,
                                http.RequestAborted
                            )
                    )
            )
            .Documented<Schemas.Assignment>("The policy of a board's tickets when their start and client name none.");

        tenant
            .MapPut(
                "/default-policy",
                (HttpContext http, SlaApi sla, string tenant) =>
                    WithBody(
                        http,
                        body => sla.SetDefaultPolicyAsync(Authorization(http), tenant, body, http.RequestAborted)
                    )
            )
            .Documented<Schemas.Assignment>("The tenant's default policy.");

        tenant
            .MapGet(
                "/settings",
                (HttpContext http, SlaApi sla, string tenant) =>
                    Answer(sla.GetSettingsAsync(Authorization(http), tenant, http.RequestAborted))
            )
            .Documented<Schemas.None>("The tenant's settings: its late-event tolerance in minutes (default 15).");

        tenant
            .MapPut(
                "/settings",
                (HttpContext http, SlaApi sla, string tenant) =>
                    WithBody(http, body => sla.PutSettingsAsync(Authorization(http), tenant, body, http.RequestAborted))
            )
            .Documented<Schemas.Settings>(
                "Set the tenant's late-event tolerance: whole minutes from 0 to 10080 (7 days); answers the settings."
            );

        tenant
            .MapPost(
                "/tickets/{ticket}/sla",
                (HttpContext http, SlaApi sla, string tenant, string ticket) =>
                    WithBody(
                        http,
                        body =>
                            sla.StartAsync(
                                Authorization(http),
                                tenant,
                                ticket,
                                body,
                                IdempotencyKey(http),
                                http.RequestAborted
                            )
                    )
            )
            .Documented<Schemas.Start>("Start a ticket's SLA (idempotent: starting it again answers the running SLA).")
            .Answers<Schemas.Change>();

        tenant
            .MapPost(
                "/tickets/{ticket}/sla/{command}",
                (HttpContext http, SlaApi sla, string tenant, string ticket, string command) =>
                    WithBody(
                        http,
                        body =>
                            sla.CommandAsync(
                                Authorization(http),
                                tenant,
                                ticket,
                                command,
                                body,
                                IdempotencyKey(http),
                                http.RequestAborted
                            )
                    )
            )
            .Documented<Schemas.Command>($"Apply a command to the ticket's SLA: {string.Join(", ", SlaApi.Commands)}.")
            .Answers<Schemas.Change>()
            // A command dated before what the SLA acted on, older than the tenant's late-event tolerance (SPEC §2).
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        tenant
            .MapGet(
                "/tickets/{ticket}/sla",
                (HttpContext http, SlaApi sla, string tenant, string ticket) =>
                    Answer(sla.StatusAsync(Authorization(http), tenant, ticket, http.RequestAborted))
            )
            .Documented<Schemas.None>("Where the ticket's SLA stands now: phases, pauses, fired notifications.")
            .Answers<Schemas.Status>();

        tenant
            .MapGet(
                "/tickets/{ticket}/sla/timeline.svg",
                (HttpContext http, SlaApi sla, string tenant, string ticket) =>
                    Answer(sla.TimelineAsync(Authorization(http), tenant, ticket, http.RequestAborted))
            )
            .Documented<Schemas.None>(
                "The ticket's SLA now as a picture: an SVG timeline in its calendar's zone.",
                TimelineSvg.ContentType
            );

        tenant
            .MapPost(
                "/events",
                (HttpContext http, SlaApi sla, string tenant) =>
                    WithBody(http, body => sla.IngestAsync(Authorization(http), tenant, body, http.RequestAborted))
            )
            .Documented<Schemas.Envelope[]>("A batch of 1 to 500 domain events (SPEC §5); a result per event.");

        tenant
            .MapGet(
                "/dead-letters",
                (HttpContext http, SlaApi sla, string tenant, string? after, string? limit) =>
                    Answer(sla.DeadLettersAsync(Authorization(http), tenant, after, limit, http.RequestAborted))
            )
            .Documented<Schemas.None>("Dead-lettered input with reason and original payload, oldest first.");

        tenant
            .MapGet(
                "/dead-deliveries",
                (HttpContext http, SlaApi sla, string tenant, string? after, string? limit) =>
                    Answer(sla.DeadDeliveriesAsync(Authorization(http), tenant, after, limit, http.RequestAborted))
            )
            .Documented<Schemas.None>(
                "Notifications whose delivery to a sink used up its attempts, oldest first, with the last error."
            );

        tenant
            .MapPost(
                "/dead-deliveries/redeliver",
                (HttpContext http, SlaApi sla, string tenant) =>
                    WithBody(http, body => sla.RedeliverAsync(Authorization(http), tenant, body, http.RequestAborted))
            )
            .Documented<Schemas.Redeliver>(
                "Send dead deliveries again (all, or the notifications named), with a fresh set of attempts."
            );

        tenant
            .MapGet(
                "/slas",
                (HttpContext http, SlaApi sla, string tenant) =>
                    Answer(sla.SearchAsync(Authorization(http), tenant, Query(http), http.RequestAborted))
            )
            .Documented<Schemas.None>("Search the tenant's ticket SLAs: filters, sort, keyset pages; states as of now.")
            .WithQuery(Schemas.SearchParameters);

        tenant
            .MapPost(
                "/rollouts",
                (HttpContext http, SlaApi sla, string tenant) =>
                    WithBody(
                        http,
                        body =>
                            sla.RolloutAsync(
                                Authorization(http),
                                tenant,
                                body,
                                http.Request.Headers.Accept.ToString(),
                                http.RequestAborted
                            )
                    )
            )
            .Documented<Schemas.Rollout>(
                "Put a policy version in force on the tenant's open tickets from effectiveAt: dry-run it (per ticket the change, and a summary; JSON or CSV with Accept: text/csv) or start it (202, progress at Location)."
            )
            .Produces(StatusCodes.Status200OK, contentType: SlaApi.Csv);

        tenant
            .MapGet(
                "/rollouts/{rollout}",
                (HttpContext http, SlaApi sla, string tenant, string rollout) =>
                    Answer(sla.GetRolloutAsync(Authorization(http), tenant, rollout, http.RequestAborted))
            )
            .Documented<Schemas.None>("A started rollout: state, done of total, skipped, and what it did so far.");

        tenant
            .MapPost(
                "/rollouts/{rollout}/cancel",
                (HttpContext http, SlaApi sla, string tenant, string rollout) =>
                    Answer(sla.CancelRolloutAsync(Authorization(http), tenant, rollout, http.RequestAborted))
            )
            .Documented<Schemas.None>("Stop a rollout before it finishes; the tickets it changed keep the change.");

        tenant
            .MapGet(
                "/reports/compliance",
                (HttpContext http, SlaApi sla, string tenant) =>
                    Answer(
                        sla.ComplianceAsync(
                            Authorization(http),
                            tenant,
                            Query(http),
                            http.Request.Headers.Accept.ToString(),
                            http.RequestAborted
                        )
                    )
            )
            .Documented<Schemas.None>(
                "Met, breached, cancelled and running phases per group over [from, to); JSON or CSV (Accept: text/csv)."
            )
            .Produces(StatusCodes.Status200OK, contentType: SlaApi.Csv)
            .WithQuery(Schemas.ComplianceParameters);

        api.MapPost(
                "/simulate",
                (Delegate)(
                    (HttpContext http) =>
                        WithBody(
                            http,
                            body =>
                                Task.FromResult(
                                    SlaApi.Simulate(body, http.Request.Headers.Accept.ToString(), http.RequestAborted)
                                )
                        )
                )
            )
            .WithTags("Engine")
            .Documented<Schemas.Scenario>(
                "What would happen: a scenario through the engine (SPEC §3); the timeline as SVG for Accept: image/svg+xml. No key needed.",
                ApiResponse.Json,
                TimelineSvg.ContentType
            );

        api.MapGet("/health", (HttpContext http, SlaApi sla) => Answer(sla.HealthAsync(http.RequestAborted)))
            .WithTags("Engine")
            .Documented<Schemas.None>("200 when the database answers and is migrated.");
    }

    private static string? Authorization(HttpContext http) => http.Request.Headers.Authorization.FirstOrDefault();

    private static IEnumerable<KeyValuePair<string, string>> Query(HttpContext http) =>
        http.Request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? string.Empty)));

    private static string? IdempotencyKey(HttpContext http) => http.Request.Headers["Idempotency-Key"].FirstOrDefault();

    private static async Task<IResult> WithBody(HttpContext http, Func<string, Task<ApiResponse>> handle)
    {
        var (body, refusal) = await RequestBody.ReadAsync(http.Request);
        return new ApiResult(refusal ?? await handle(body!));
    }

    private static async Task<IResult> Answer(Task<ApiResponse> response) => new ApiResult(await response);

    /// <summary>The shape of the route's 200 JSON answer in the OpenAPI document.</summary>
    private static RouteHandlerBuilder Answers<TResponse>(this RouteHandlerBuilder route) =>
        route.AddOpenApiOperationTransformer(
            async (operation, context, cancellationToken) =>
            {
                if (operation.Responses?.GetValueOrDefault("200") is Microsoft.OpenApi.OpenApiResponse ok)
                {
                    ok.Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                    {
                        [ApiResponse.Json] = new()
                        {
                            Schema = await context.GetOrCreateSchemaAsync(typeof(TResponse), null, cancellationToken),
                        },
                    };
                }
            }
        );

    /// <summary>
    /// The route's summary, problems and 200 content types (JSON unless told) in the OpenAPI document.
    /// </summary>
    private static RouteHandlerBuilder Documented<TBody>(
        this RouteHandlerBuilder route,
        string summary,
        params string[] contentTypes
    )
        where TBody : notnull
    {
        route
            .WithSummary(summary)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(
                StatusCodes.Status200OK,
                contentType: contentTypes.FirstOrDefault() ?? ApiResponse.Json,
                additionalContentTypes: contentTypes.Skip(1).ToArray()
            );
        if (contentTypes.Length > 0)
        {
            // Without a response type the document would list no content for 200; name each type the route answers.
            route.AddOpenApiOperationTransformer(
                (operation, context, cancellationToken) =>
                {
                    if (operation.Responses?.GetValueOrDefault("200") is Microsoft.OpenApi.OpenApiResponse ok)
                    {
                        ok.Content = contentTypes.ToDictionary(
                            type => type,
                            type => new Microsoft.OpenApi.OpenApiMediaType
                            {
                                Schema = new Microsoft.OpenApi.OpenApiSchema
                                {
                                    Type =
                                        type == ApiResponse.Json
                                            ? Microsoft.OpenApi.JsonSchemaType.Object
                                            : Microsoft.OpenApi.JsonSchemaType.String,
                                },
                            }
                        );
                    }

                    return Task.CompletedTask;
                }
            );
        }

        // The body's shape goes into the OpenAPI document only: accepts-metadata would make routing refuse other
        // content types with a bare 415, where the handler answers a problem naming Content-Type.
        return typeof(TBody) == typeof(Schemas.None)
            ? route
            : route.AddOpenApiOperationTransformer(
                async (operation, context, cancellationToken) =>
                    operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                        {
                            [ApiResponse.Json] = new()
                            {
                                Schema = await context.GetOrCreateSchemaAsync(typeof(TBody), null, cancellationToken),
                            },
                        },
                    }
            );
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SlaFunctions.Core.Api;
using SlaFunctions.Core.Service;
using SlaFunctions.Durable;
using SlaFunctions.FunctionApp.Hosting;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>
/// The routes of SPEC §4 under <c>/api</c>, each a translation to <see cref="SlaApi"/> like the self-host's
/// endpoints. A function key is required (<c>x-functions-key</c>) on top of the tenant's API key, which
/// <see cref="SlaApi"/> checks (<c>Authorization: Bearer …</c>).
/// </summary>
public sealed class HttpApiFunctions(DurableBackend backend, ILogger<HttpApiFunctions> logger)
{
    private const string Tenant = "tenants/{tenant}";

    [Function("PutCalendar")]
    public Task<IActionResult> PutCalendar(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Tenant + "/calendars/{calendarId}")]
            HttpRequest request,
        string tenant,
        string calendarId,
        [DurableClient] DurableTaskClient client
    ) =>
        WithBody(
            request,
            client,
            (api, body, ct) => api.PutCalendarAsync(Authorization(request), tenant, calendarId, body, ct)
        );

    [Function("PutPolicy")]
    public Task<IActionResult> PutPolicy(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Tenant + "/policies/{policyId}")] HttpRequest request,
        string tenant,
        string policyId,
        [DurableClient] DurableTaskClient client
    ) =>
        WithBody(
            request,
            client,
            (api, body, ct) => api.PutPolicyAsync(Authorization(request), tenant, policyId, body, ct)
        );

    [Function("AssignClient")]
    public Task<IActionResult> AssignClient(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Tenant + "/assignments/clients/{clientId}")]
            HttpRequest request,
        string tenant,
        string clientId,
        [DurableClient] DurableTaskClient client
    ) =>
        WithBody(
            request,
            client,
            (api, body, ct) =>
                api.AssignAsync(Authorization(request), tenant, AssignmentScope.Client, clientId, body, ct)
        );

    [Function("AssignBoard")]
    public Task<IActionResult> AssignBoard(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Tenant + "/assignments/boards/{boardId}")]
            HttpRequest request,
        string tenant,
        string boardId,
        [DurableClient] DurableTaskClient client
    ) =>
        WithBody(
            request,
            client,
            (api, body, ct) => api.AssignAsync(Authorization(request), tenant, AssignmentScope.Board, boardId, body, ct)
        );

    [Function("SetDefaultPolicy")]
    public Task<IActionResult> SetDefaultPolicy(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Tenant + "/default-policy")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) =>
        WithBody(
            request,
            client,
            (api, body, ct) => api.SetDefaultPolicyAsync(Authorization(request), tenant, body, ct)
        );

    [Function("GetSettings")]
    public Task<IActionResult> GetSettings(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Tenant + "/settings")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) => Answer(request, client, (api, ct) => api.GetSettingsAsync(Authorization(request), tenant, ct));

    [Function("PutSettings")]
    public Task<IActionResult> PutSettings(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Tenant + "/settings")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) => WithBody(request, client, (api, body, ct) => api.PutSettingsAsync(Authorization(request), tenant, body, ct));

    [Function("StartSla")]
    public Task<IActionResult> StartSla(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Tenant + "/tickets/{ticket}/sla")]
            HttpRequest request,
        string tenant,
        string ticket,
        [DurableClient] DurableTaskClient client
    ) =>
        WithBody(
            request,
            client,
            (api, body, ct) => api.StartAsync(Authorization(request), tenant, ticket, body, IdempotencyKey(request), ct)
        );

    [Function("SlaCommand")]
    public Task<IActionResult> SlaCommand(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Tenant + "/tickets/{ticket}/sla/{command}")]
            HttpRequest request,
        string tenant,
        string ticket,
        string command,
        [DurableClient] DurableTaskClient client
    ) =>
        WithBody(
            request,
            client,
            (api, body, ct) =>
                api.CommandAsync(Authorization(request), tenant, ticket, command, body, IdempotencyKey(request), ct)
        );

    [Function("SlaStatus")]
    public Task<IActionResult> SlaStatus(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Tenant + "/tickets/{ticket}/sla")] HttpRequest request,
        string tenant,
        string ticket,
        [DurableClient] DurableTaskClient client
    ) => Answer(request, client, (api, ct) => api.StatusAsync(Authorization(request), tenant, ticket, ct));

    [Function("SlaTimeline")]
    public Task<IActionResult> SlaTimeline(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Tenant + "/tickets/{ticket}/sla/timeline.svg")]
            HttpRequest request,
        string tenant,
        string ticket,
        [DurableClient] DurableTaskClient client
    ) => Answer(request, client, (api, ct) => api.TimelineAsync(Authorization(request), tenant, ticket, ct));

    [Function("IngestEvents")]
    public Task<IActionResult> IngestEvents(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Tenant + "/events")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) => WithBody(request, client, (api, body, ct) => api.IngestAsync(Authorization(request), tenant, body, ct));

    [Function("DeadLetters")]
    public Task<IActionResult> DeadLetters(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Tenant + "/dead-letters")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) =>
        Answer(
            request,
            client,
            (api, ct) =>
                api.DeadLettersAsync(
                    Authorization(request),
                    tenant,
                    Query(request, "after"),
                    Query(request, "limit"),
                    ct
                )
        );

    [Function("SearchSlas")]
    public Task<IActionResult> SearchSlas(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Tenant + "/slas")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) => Answer(request, client, (api, ct) => api.SearchAsync(Authorization(request), tenant, Query(request), ct));

    [Function("ComplianceReport")]
    public Task<IActionResult> ComplianceReport(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Tenant + "/reports/compliance")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) =>
        Answer(
            request,
            client,
            (api, ct) =>
                api.ComplianceAsync(
                    Authorization(request),
                    tenant,
                    Query(request),
                    request.Headers.Accept.ToString(),
                    ct
                )
        );

    [Function("Rollouts")]
    public Task<IActionResult> Rollouts(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Tenant + "/rollouts")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) =>
        WithBody(
            request,
            client,
            (api, body, ct) =>
                api.RolloutAsync(Authorization(request), tenant, body, request.Headers.Accept.ToString(), ct)
        );

    [Function("GetRollout")]
    public Task<IActionResult> GetRollout(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Tenant + "/rollouts/{rollout}")] HttpRequest request,
        string tenant,
        string rollout,
        [DurableClient] DurableTaskClient client
    ) => Answer(request, client, (api, ct) => api.GetRolloutAsync(Authorization(request), tenant, rollout, ct));

    [Function("CancelRollout")]
    public Task<IActionResult> CancelRollout(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Tenant + "/rollouts/{rollout}/cancel")]
            HttpRequest request,
        string tenant,
        string rollout,
        [DurableClient] DurableTaskClient client
    ) => Answer(request, client, (api, ct) => api.CancelRolloutAsync(Authorization(request), tenant, rollout, ct));

    [Function("Simulate")]
    public Task<IActionResult> Simulate(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "simulate")] HttpRequest request,
        [DurableClient] DurableTaskClient client
    ) =>
        WithBody(
            request,
            client,
            (_, body, ct) => Task.FromResult(SlaApi.Simulate(body, request.Headers.Accept.ToString(), ct))
        );

    [Function("Health")]
    public Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "health")] HttpRequest request,
        [DurableClient] DurableTaskClient client
    ) => Answer(request, client, (api, ct) => api.HealthAsync(ct));

    [Function("DeadDeliveries")]
    public Task<IActionResult> DeadDeliveries(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Tenant + "/dead-deliveries")] HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) =>
        Answer(
            request,
            client,
            (api, ct) =>
                api.DeadDeliveriesAsync(
                    Authorization(request),
                    tenant,
                    Query(request, "after"),
                    Query(request, "limit"),
                    ct
                )
        );

    [Function("Redeliver")]
    public Task<IActionResult> Redeliver(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Tenant + "/dead-deliveries/redeliver")]
            HttpRequest request,
        string tenant,
        [DurableClient] DurableTaskClient client
    ) => WithBody(request, client, (api, body, ct) => api.RedeliverAsync(Authorization(request), tenant, body, ct));

    private static string? Authorization(HttpRequest request) => request.Headers.Authorization.FirstOrDefault();

    private static string? IdempotencyKey(HttpRequest request) => request.Headers["Idempotency-Key"].FirstOrDefault();

    private static string? Query(HttpRequest request, string name) => request.Query[name].FirstOrDefault();

    private static IEnumerable<KeyValuePair<string, string>> Query(HttpRequest request) =>
        request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? string.Empty)));

    private async Task<IActionResult> WithBody(
        HttpRequest request,
        DurableTaskClient client,
        Func<SlaApi, string, CancellationToken, Task<ApiResponse>> handle
    )
    {
        var (body, refusal) = await RequestBodyRules.ReadAsync(
            request.ContentType,
            request.ContentLength,
            request.Body,
            request.HttpContext.RequestAborted
        );
        return refusal is not null
            ? new ApiActionResult(refusal)
            : await Answer(request, client, (api, ct) => handle(api, body!, ct));
    }

    /// <summary>
    /// Runs the handler; what it did not turn into a problem is a 503 when a retry may help, else a logged 500.
    /// </summary>
    private async Task<IActionResult> Answer(
        HttpRequest request,
        DurableTaskClient client,
        Func<SlaApi, CancellationToken, Task<ApiResponse>> handle
    )
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        try
        {
            return new ApiActionResult(await handle(backend.Api(client), cancellationToken));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var trace = Activity.Current?.Id ?? request.HttpContext.TraceIdentifier;
            var answer = ApiFailures.Answer(e, AzureFailures.Classifier, trace);
            var level = answer.Status == StatusCodes.Status503ServiceUnavailable ? LogLevel.Warning : LogLevel.Error;
            logger.Log(
                level,
                e,
                "{Method} {Path} failed ({Trace}): answered {Status}",
                request.Method,
                request.Path,
                trace,
                answer.Status
            );
            return new ApiActionResult(answer);
        }
    }
}

using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SlaFunctions.FunctionApp.Triggers;

namespace SlaFunctions.FunctionApp.Tests.Http;

/// <summary>What an HTTP function answered: status, content type, body, and the WWW-Authenticate header.</summary>
public sealed record HttpAnswer(int Status, string? ContentType, string Body, string? Authenticate);

/// <summary>
/// The HTTP functions of <see cref="HttpApiFunctions"/> called as the Functions host calls them: routed by their
/// <c>[HttpTrigger]</c> method and route template (under <c>/api</c>), a real <see cref="DefaultHttpContext"/> with
/// body, headers and route values, and the <see cref="IActionResult"/> executed onto its response.
/// </summary>
public sealed class FunctionRoutes(HttpApiFunctions functions, DurableTaskClient client)
{
    private static readonly List<(MethodInfo Function, string[] Methods, TemplateMatcher Matcher)> Routes =
    [
        .. typeof(HttpApiFunctions)
            .GetMethods()
            .Select(m =>
                (
                    Method: m,
                    Trigger: m.GetParameters()
                        .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>())
                        .FirstOrDefault(a => a is not null)
                )
            )
            .Where(r => r.Trigger is not null)
            .Select(r =>
                (
                    r.Method,
                    r.Trigger!.Methods!,
                    new TemplateMatcher(TemplateParser.Parse("api/" + r.Trigger.Route), new RouteValueDictionary())
                )
            ),
    ];

    /// <summary>Every route the functions declare, as "METHOD api/template".</summary>
    public static IEnumerable<string> Declared =>
        Routes.SelectMany(r => r.Methods.Select(m => $"{m.ToUpperInvariant()} {r.Matcher.Template.TemplateText}"));

    public async Task<HttpAnswer> SendAsync(
        string method,
        string pathAndQuery,
        IReadOnlyDictionary<string, string> headers,
        string? body,
        string? contentType
    )
    {
        var http = new DefaultHttpContext();
        var (path, query) = pathAndQuery.IndexOf('?', StringComparison.Ordinal) is var q and >= 0
            ? (pathAndQuery[..q], pathAndQuery[q..])
            : (pathAndQuery, "");
        http.Request.Method = method;
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query);
        foreach (var (name, value) in headers)
        {
            http.Request.Headers[name] = value;
        }

        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentLength = bytes.Length;
            http.Request.ContentType = contentType;
        }

        var responseBody = new MemoryStream();
        http.Response.Body = responseBody;

        var (function, _, matcher) = Routes.Single(r =>
            r.Methods.Contains(method, StringComparer.OrdinalIgnoreCase) && r.Matcher.TryMatch(path, [])
        );
        var values = new RouteValueDictionary();
        matcher.TryMatch(path, values);
        var arguments = function
            .GetParameters()
            .Select(p =>
                p.ParameterType == typeof(HttpRequest) ? http.Request
                : p.ParameterType == typeof(DurableTaskClient) ? client
                : (object?)values[p.Name!]?.ToString()
            )
            .ToArray();
        var result = await (Task<IActionResult>)function.Invoke(functions, arguments)!;
        await result.ExecuteResultAsync(new ActionContext(http, new RouteData(values), new ActionDescriptor()));

        return new HttpAnswer(
            http.Response.StatusCode,
            http.Response.ContentType,
            Encoding.UTF8.GetString(responseBody.ToArray()),
            http.Response.Headers.WWWAuthenticate.FirstOrDefault()
        );
    }
}

using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SlaFunctions.Core.Api;
using SlaFunctions.Core.Diagnostics;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Migrations;
using SlaFunctions.SelfHost.Http;

namespace SlaFunctions.SelfHost.Hosting;

/// <summary>
/// The self-hosted service: the HTTP API with the polling engine, the dispatcher and parking expiry inside.
/// </summary>
public static class WebApp
{
    public const string DefaultUrl = "http://localhost:7071";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (
            string.IsNullOrEmpty(builder.Configuration["urls"])
            && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"])
        )
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = SlaApi.MaxBodyBytes;
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Use(KestrelRefusals.Middleware));
        });
        builder.Services.AddSla(SlaSettings.From(builder.Configuration)).AddSlaWorkers();
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        AddTelemetry(builder);

        var app = builder.Build();
        app.UseExceptionHandler(errors =>
            errors.Run(async http =>
            {
                var failure = http.Features.Get<IExceptionHandlerFeature>()?.Error;
                var trace = System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier;
                var classifier = http.RequestServices.GetRequiredService<IFailureClassifier>();
                await new ApiResult(ApiFailures.Answer(failure, classifier, trace)).ExecuteAsync(http);
            })
        );
        app.UseStatusCodePages(async status =>
        {
            // Whatever the framework refuses before a handler runs answers problem details too, never an empty body.
            var http = status.HttpContext;
            var code = http.Response.StatusCode;
            var problem = code switch
            {
                404 => Problem.Of(
                    404,
                    "not-found",
                    "No such route.",
                    $"{http.Request.Method} {http.Request.Path} is not a route of this API",
                    "path"
                ),
                405 => Problem.Of(
                    405,
                    "method-not-allowed",
                    "Method not allowed.",
                    $"{http.Request.Path} does not answer {http.Request.Method}",
                    "method"
                ),
                _ => Problem.Of(
                    code,
                    "http-" + code,
                    "The request was refused.",
                    $"{http.Request.Method} {http.Request.Path} was refused with {code}",
                    "request"
                ),
            };
            await new ApiResult(problem).ExecuteAsync(http);
        });
        app.MapOpenApi();
        app.MapSlaApi();
        return app;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var app = Build(args);
        await Migrator.MigrateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), cancellationToken);
        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>
    /// Structured logs always; OpenTelemetry traces and metrics (engine lag, wake-ups, notifications fired and
    /// published, dead-letters by reason) exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, or to
    /// the console with Sla:Telemetry:Console=true.
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = builder.Configuration.GetValue("Sla:Telemetry:Console", false);
        if (!otlp && !console)
        {
            return;
        }

        builder
            .Services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(SlaTelemetry.Name).AddAspNetCoreInstrumentation();
                _ = otlp ? tracing.AddOtlpExporter() : tracing.AddConsoleExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SlaTelemetry.Name).AddAspNetCoreInstrumentation();
                _ = otlp ? metrics.AddOtlpExporter() : metrics.AddConsoleExporter();
            });
    }
}

using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using SlaFunctions.Durable.Orchestrations;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>The whole app's setup, called by Program.cs and by the test that builds its host.</summary>
public static class SlaFunctionApp
{
    public static FunctionsApplicationBuilder ConfigureSlaFunctionApp(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();

        // Orchestration inputs, activity payloads, external events and entity state: the engine's JSON (NodaTime,
        // polymorphic ticket events). Durable serializes with the worker's serializer.
        builder.Services.Configure<WorkerOptions>(options =>
            options.Serializer = new JsonObjectSerializer(DurableJson.Options)
        );
        builder.Services.AddSlaFunctions(builder.Configuration);
        return builder;
    }
}

using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SlaFunctions.Core.Durable;
using SlaFunctions.FunctionApp.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// Orchestration inputs, activity payloads, external events and entity state: the engine's JSON (NodaTime,
// polymorphic ticket events). Durable serializes with the worker's serializer.
builder.Services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(DurableJson.Options));
builder.Services.AddSlaFunctions(builder.Configuration);

builder.Build().Run();

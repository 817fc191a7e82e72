using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SlaFunctions.FunctionApp.Hosting;

FunctionsApplication.CreateBuilder(args).ConfigureSlaFunctionApp().Build().Run();

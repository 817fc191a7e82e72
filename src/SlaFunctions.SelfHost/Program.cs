using System.CommandLine;
using SlaFunctions.SelfHost.Cli;
using SlaFunctions.SelfHost.Hosting;

var serve = new Command("serve", $"Run the service: the HTTP API (default {WebApp.DefaultUrl}), the polling engine and the notification dispatcher.")
{
    TreatUnmatchedTokensAsErrors = false,
};
serve.SetAction((parsed, ct) => WebApp.RunAsync([.. parsed.UnmatchedTokens], ct));

var root = new RootCommand("SLA Functions: SLA clocks for help-desk tickets. Without a command it serves.")
{
    serve,
    SimulateCommand.Create(Console.In, Console.Out, Console.Error),
    DatabaseCommands.Migrate(Console.Out),
    DatabaseCommands.Engine(),
    TenantCommands.Tenants(Console.Out, Console.Error),
    TenantCommands.Keys(Console.Out, Console.Error),
    SeedCommand.Create(Console.Out, Console.Error),
    DeliveryCommands.Deliveries(Console.Out, Console.Error),
};
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction((parsed, ct) => WebApp.RunAsync([.. parsed.UnmatchedTokens], ct));
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (OperatorErrors.Describe(e) is { } problem)
{
    await Console.Error.WriteLineAsync($"slafunctions: {problem}");
    return OperatorErrors.ExitCode;
}

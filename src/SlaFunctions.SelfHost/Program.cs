using System.CommandLine;
using SlaFunctions.SelfHost.Cli;

var root = new RootCommand("SLA Functions: SLA clocks for help-desk tickets.")
{
    SimulateCommand.Create(Console.In, Console.Out, Console.Error),
    DatabaseCommands.Migrate(Console.Out),
    DatabaseCommands.Engine(),
};
return await root.Parse(args).InvokeAsync();

using SlaFunctions.SelfHost.Cli;

return await SlaCommandLine.RunAsync(args, Console.In, Console.Out, Console.Error);

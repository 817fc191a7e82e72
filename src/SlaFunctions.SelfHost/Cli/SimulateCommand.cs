using System.CommandLine;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.SelfHost.Cli;

/// <summary><c>simulate FILE|-</c>: the result of a scenario on stdout; invalid input is exit code 2 and one line on stderr.</summary>
public static class SimulateCommand
{
    public const int InvalidInput = 2;

    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE") { Description = "The scenario JSON file, or - to read standard input." };
        var command = new Command("simulate", "Run a scenario through the SLA engine and print the result as JSON.") { file };
        command.SetAction(parsed => Run(parsed.GetValue(file)!, stdin, stdout, stderr));
        return command;
    }

    public static int Run(string file, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        string json;
        try
        {
            json = file == "-" ? stdin.ReadToEnd() : File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine($"simulate: cannot read '{file}': {e.Message}");
            return InvalidInput;
        }

        try
        {
            stdout.WriteLine(SimulationJson.Write(ScenarioRunner.Run(ScenarioJson.Read(json))));
            return 0;
        }
        catch (InvalidInputException e)
        {
            stderr.WriteLine(e.Message.ReplaceLineEndings(" "));
            return InvalidInput;
        }
    }
}

using System.CommandLine;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>
/// <c>simulate FILE|- [--format json|svg]</c>: the result of a scenario on stdout, as JSON (the default) or as the
/// timeline picture; invalid input or an unknown format is exit code 2 and one line on stderr.
/// </summary>
public static class SimulateCommand
{
    public const int InvalidInput = 2;

    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE")
        {
            Description = "The scenario JSON file, or - to read standard input.",
        };
        var format = new Option<string>("--format")
        {
            Description = $"The output: {SimulationOutput.FormatNames} (the timeline as SVG).",
            DefaultValueFactory = _ => "json",
        };
        var command = new Command(
            "simulate",
            "Run a scenario through the SLA engine and print the result as JSON or as an SVG timeline."
        )
        {
            file,
            format,
        };
        command.SetAction(parsed => Run(parsed.GetValue(file)!, stdin, stdout, stderr, parsed.GetValue(format)!));
        return command;
    }

    public static int Run(string file, TextReader stdin, TextWriter stdout, TextWriter stderr, string format = "json")
    {
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (SimulationOutput.ParseFormat(format) is not { } output)
        {
            stderr.WriteLine(
                $"simulate: --format '{format}' is not a format (expected {SimulationOutput.FormatNames})"
            );
            return InvalidInput;
        }

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
            stdout.WriteLine(SimulationOutput.Run(json, output));
            return 0;
        }
        catch (InvalidInputException e)
        {
            stderr.WriteLine(e.Message.ReplaceLineEndings(" "));
            return InvalidInput;
        }
    }
}

using SlaFunctions.Core.Rendering;

namespace SlaFunctions.Core.Simulation;

/// <summary>What a simulation answers in: the result JSON of SPEC §3, or the timeline picture.</summary>
public enum SimulationFormat
{
    Json,
    Svg,
}

/// <summary>
/// A scenario's text in, its result out in the format asked for: the one path of the CLI and the API.
/// </summary>
public static class SimulationOutput
{
    public const string FormatNames = "json or svg";

    /// <summary>The format of a name (<c>json</c>, <c>svg</c>, any case), or null for any other name.</summary>
    public static SimulationFormat? ParseFormat(string name) =>
        name?.ToUpperInvariant() switch
        {
            "JSON" => SimulationFormat.Json,
            "SVG" => SimulationFormat.Svg,
            _ => null,
        };

    public static string ContentType(SimulationFormat format) =>
        format == SimulationFormat.Svg ? TimelineSvg.ContentType : "application/json";

    /// <exception cref="Validation.InvalidInputException">The scenario is not valid; the path at fault is
    /// named.</exception>
    public static string Run(
        string scenarioJson,
        SimulationFormat format,
        CancellationToken cancellationToken = default
    )
    {
        var scenario = ScenarioJson.Read(scenarioJson);
        var result = ScenarioRunner.Run(scenario, cancellationToken);
        return format == SimulationFormat.Svg
            ? TimelineSvg.Render(result, scenario.Policy)
            : SimulationJson.Write(result);
    }
}

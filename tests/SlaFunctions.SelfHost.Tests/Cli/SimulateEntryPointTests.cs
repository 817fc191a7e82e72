using System.Text.Json.Nodes;
using SlaFunctions.Core.Api;
using SlaFunctions.SelfHost.Cli;
using SlaFunctions.Testing.Files;
using SlaFunctions.Testing.Rendering;
using static SlaFunctions.Testing.Rendering.SvgDocument;

namespace SlaFunctions.SelfHost.Tests.Cli;

/// <summary>
/// <c>simulate --format svg</c> and <c>POST /api/simulate</c> with <c>Accept: image/svg+xml</c> answer the same
/// picture.
/// </summary>
public class SimulateEntryPointTests
{
    private static readonly string SpecExample = File.ReadAllText(Repo.Path("samples/spec-example.json"));

    [Fact]
    public void The_cli_writes_the_picture_for_format_svg()
    {
        var (exit, stdout, stderr) = Simulate("svg");

        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        var svg = new SvgDocument(stdout);
        Assert.Equal(7, svg.OfClass("mark").Count);
        Assert.Equal(3, svg.OfClass("lane").Count);
    }

    [Fact]
    public void The_cli_still_writes_json_by_default_and_for_format_json()
    {
        var (exit, stdout, _) = Simulate("json");

        Assert.Equal(0, exit);
        Assert.Equal(3, JsonNode.Parse(stdout)!["phases"]!.AsArray().Count);
    }

    [Fact]
    public void An_unknown_format_exits_with_2_naming_it()
    {
        var (exit, stdout, stderr) = Simulate("png");

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("--format 'png'", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Post_simulate_answers_the_same_picture_for_accept_svg()
    {
        var response = SlaApi.Simulate(SpecExample, "image/svg+xml");

        Assert.Equal(200, response.Status);
        Assert.Equal("image/svg+xml", response.ContentType);
        Assert.Equal("Accept", response.Headers["Vary"]);
        Assert.Equal(Simulate("svg").Stdout.TrimEnd('\n'), response.Body.TrimEnd('\n'));
    }

    [Fact]
    public void Post_simulate_answers_json_without_accept_and_problems_as_json_for_svg()
    {
        Assert.Equal(ApiResponse.Json, SlaApi.Simulate(SpecExample).ContentType);
        Assert.Equal(ApiResponse.Json, SlaApi.Simulate(SpecExample, "*/*").ContentType);

        var scenario = JsonNode.Parse(SpecExample)!;
        scenario["events"]![0]!["priority"] = "P9";
        var bad = SlaApi.Simulate(scenario.ToJsonString(), "image/svg+xml");

        Assert.Equal(400, bad.Status);
        Assert.Equal(Problem.ContentType, bad.ContentType);
        Assert.Equal("$.events[0].priority", (string?)JsonNode.Parse(bad.Body)!["field"]);
    }

    private static (int Exit, string Stdout, string Stderr) Simulate(string format)
    {
        using var input = new StringReader(SpecExample);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = SimulateCommand.Run("-", input, output, error, format);
        return (exit, output.ToString(), error.ToString());
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SlaFunctions.Infra.Tests;

/// <summary>
/// The ARM template compiled from infra/main.bicep, with its nested module deployments flattened.
/// Reads <c>$SLA_INFRA_ARM_DIR/main.json</c> when that variable is set (output of
/// <c>scripts/bicep --out DIR</c>); otherwise runs <c>scripts/bicep --out</c> into a temp folder.
/// </summary>
public sealed class CompiledTemplate : IDisposable
{
    private readonly string? _ownedDirectory;

    public CompiledTemplate()
    {
        RepositoryRoot = FindRepositoryRoot();
        var armDirectory = Environment.GetEnvironmentVariable("SLA_INFRA_ARM_DIR");
        if (string.IsNullOrWhiteSpace(armDirectory))
        {
            _ownedDirectory = Path.Combine(Path.GetTempPath(), "sla-infra-arm-" + Guid.NewGuid().ToString("N"));
            Compile(RepositoryRoot, _ownedDirectory);
            armDirectory = _ownedDirectory;
        }

        var mainJson = Path.Combine(armDirectory, "main.json");
        Text = File.ReadAllText(mainJson);
        Root =
            JsonNode.Parse(Text)?.AsObject() ?? throw new InvalidOperationException($"{mainJson} is not a JSON object");
        Templates = CollectTemplates(Root).ToList();
        Resources = Templates.SelectMany(ArmResource.AllIn).ToList();
    }

    public string RepositoryRoot { get; }

    /// <summary>The whole compiled main.json as text (nested templates included).</summary>
    public string Text { get; }

    public JsonObject Root { get; }

    /// <summary>main.json and every nested deployment template inside it, depth first.</summary>
    public IReadOnlyList<JsonObject> Templates { get; }

    /// <summary>Every resource declared (not merely referenced as existing) in any template.</summary>
    public IReadOnlyList<ArmResource> Resources { get; }

    public IReadOnlyList<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    public ArmResource One(string type)
    {
        var matches = OfType(type);
        Assert.True(matches.Count == 1, $"expected exactly one {type}, found {matches.Count}");
        return matches[0];
    }

    public void Dispose()
    {
        if (_ownedDirectory is not null && Directory.Exists(_ownedDirectory))
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
    }

    private static IEnumerable<JsonObject> CollectTemplates(JsonObject template)
    {
        yield return template;
        foreach (var resource in ArmResource.AllIn(template))
        {
            if (resource.At("properties", "template") is JsonObject nested)
            {
                foreach (var inner in CollectTemplates(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (
                File.Exists(Path.Combine(dir.FullName, "infra", "main.bicep"))
                && File.Exists(Path.Combine(dir.FullName, "scripts", "bicep"))
            )
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no infra/main.bicep above " + AppContext.BaseDirectory);
    }

    private static void Compile(string repositoryRoot, string outputDirectory)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(repositoryRoot, "scripts", "bicep"));
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(outputDirectory);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("scripts/bicep did not finish within 10 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/bicep --out failed with exit code {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}"
            );
        }
    }
}

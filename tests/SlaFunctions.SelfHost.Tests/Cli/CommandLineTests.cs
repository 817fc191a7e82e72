using SlaFunctions.SelfHost.Cli;
using SlaFunctions.Testing.Files;

namespace SlaFunctions.SelfHost.Tests.Cli;

/// <summary>
/// The executable refuses what it does not understand: exit code 2, one line naming it, then the usage.
/// </summary>
public class CommandLineTests
{
    private static readonly string Scenario = Repo.Path("samples/spec-example.json");

    public static TheoryData<string[], string> Refused() =>
        new()
        {
            { ["simulate", Scenario, "--bogus"], "'--bogus'" },
            { ["migarte"], "'migarte'" },
            { ["serve", "--bogus"], "'--bogus'" },
            { ["serve", "extra"], "'extra'" },
            { ["simulate", Scenario, "second.json"], "'second.json'" },
            { ["simulate"], "'simulate'" },
            { ["tenants", "add", "acme", "--nmae", "Acme"], "'--nmae'" },
            { ["keys", "revoke", "acme"], "'revoke'" },
            { ["--bogus"], "'--bogus'" },
        };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task What_it_does_not_understand_exits_with_2_naming_it_and_the_usage(string[] args, string named)
    {
        var (exit, stdout, stderr) = await Verbs.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        var lines = stderr.Split('\n');
        Assert.StartsWith("slafunctions: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(named, lines[0], StringComparison.Ordinal);
        Assert.Contains("Usage:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_verb_with_known_arguments_runs()
    {
        var (exit, stdout, stderr) = await Verbs.RunAsync(["simulate", Scenario]);

        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        Assert.StartsWith("{", stdout, StringComparison.Ordinal);
    }
}

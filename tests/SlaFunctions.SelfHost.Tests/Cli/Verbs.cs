using SlaFunctions.SelfHost.Cli;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.SelfHost.Tests.Cli;

/// <summary>The executable's command line run in-process, its output captured; a run that hangs is ended.</summary>
internal static class Verbs
{
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args, int seconds = 30)
    {
        using var stdin = new StringReader("");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        // Were a mistyped verb to start the server, it stops here instead of hanging the test.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var exit = await SlaCommandLine.RunAsync(args, stdin, stdout, stderr, deadline.Token);
        return (exit, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>A verb that needs the database, run on the test's.</summary>
    public static Task<(int Exit, string Stdout, string Stderr)> OnAsync(
        DatabaseFixture database,
        params string[] args
    ) => RunAsync([.. args, "--connection", database.ConnectionString], seconds: 60);
}

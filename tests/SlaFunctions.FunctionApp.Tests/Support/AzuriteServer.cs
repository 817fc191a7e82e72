using System.Diagnostics;
using SlaFunctions.Testing.Files;

namespace SlaFunctions.FunctionApp.Tests.Support;

/// <summary>
/// The Azurite the tests use: the one <c>scripts/test</c> started (SLA_TEST_AZURITE, a full storage connection
/// string), or one this process starts in memory through scripts/lib/azurite.sh (the same npm install), stopped at
/// exit.
/// </summary>
public static class AzuriteServer
{
    private static readonly Lazy<string> Connection = new(Start);

    public static string ConnectionString => Connection.Value;

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable("SLA_TEST_AZURITE") is { Length: > 0 } given)
        {
            return given;
        }

        var dir = Directory.CreateTempSubdirectory("slafunctions-azurite-").FullName;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""source "$1" && azurite_start "$2" --silent && printf '%s' "$AZURITE_CONNECTION" """);
        start.ArgumentList.Add("azurite");
        start.ArgumentList.Add(Repo.Path("scripts/lib/azurite.sh"));
        start.ArgumentList.Add(dir);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || output.Length == 0)
        {
            throw new InvalidOperationException($"Starting Azurite failed: {error.Result}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(dir);
        return output;
    }

    private static void Stop(string dir)
    {
        var pidFile = Path.Combine(dir, "azurite.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile), out var pid))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // it stopped already
            }
        }
    }
}

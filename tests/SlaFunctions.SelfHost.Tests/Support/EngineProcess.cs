using System.Diagnostics;

namespace SlaFunctions.SelfHost.Tests.Support;

/// <summary>The <c>engine</c> verb of the built executable, run as a process of its own on a test database.</summary>
public static class EngineProcess
{
    public static Process Start(string connectionString, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["Logging__LogLevel__Default"] = "Warning" },
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "slafunctions.dll"));
        start.ArgumentList.Add("engine");
        start.ArgumentList.Add("--connection");
        start.ArgumentList.Add(connectionString);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Waits until <paramref name="read"/> gives a value <paramref name="done"/> accepts, failing if the engine exits
    /// or two minutes pass without it (the engine is then killed, so that a failed test leaves none behind).
    /// </summary>
    public static async Task WaitUntilAsync(Process engine, Func<Task<long>> read, Func<long, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!done(await read()))
        {
            if (engine.HasExited)
            {
                Assert.Fail($"the engine exited with {engine.ExitCode}");
            }

            if (DateTime.UtcNow >= deadline)
            {
                engine.Kill(entireProcessTree: true);
                Assert.Fail("the engine made no progress in two minutes");
            }

            await Task.Yield();
        }
    }
}

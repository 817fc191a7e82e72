using System.Diagnostics;
using SlaFunctions.Testing.Files;

namespace SlaFunctions.Postgres.Tests;

/// <summary>scripts/lib/postgres.sh finding initdb and pg_ctl on a machine where they are not on PATH.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PostgresScriptTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("slafunctions-pglib-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public void The_newest_packaged_version_is_used_when_the_programs_are_not_on_path()
    {
        Install("9.6");
        Install("15");
        Install("16");
        Directory.CreateDirectory(Path.Combine(root.FullName, "17", "bin")); // a version without the server programs

        var (exit, output, _) = Source("pg_find_bin && command -v initdb && command -v pg_ctl");

        Assert.Equal(0, exit);
        Assert.Equal(
            [Path.Combine(root.FullName, "16", "bin", "initdb"), Path.Combine(root.FullName, "16", "bin", "pg_ctl")],
            output
        );
    }

    [Fact]
    public void Where_postgres_is_absent_and_may_not_be_installed_the_one_command_that_installs_it_is_printed()
    {
        var (exit, _, error) = Source("pg_find_bin");

        Assert.Equal(1, exit);
        Assert.Matches(
            "install PostgreSQL with: (sudo apt-get install -y postgresql|sudo dnf install -y postgresql-server|brew install postgresql@16)$",
            error
        );
    }

    private void Install(string version)
    {
        var bin = Directory.CreateDirectory(Path.Combine(root.FullName, version, "bin")).FullName;
        foreach (var program in new[] { "initdb", "pg_ctl" })
        {
            File.WriteAllText(Path.Combine(bin, program), "#!/bin/sh\n");
            File.SetUnixFileMode(
                Path.Combine(bin, program),
                UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite
            );
        }
    }

    /// <summary>
    /// Runs bash with the library sourced, a PATH without PostgreSQL, the fake package root, and no installing.
    /// </summary>
    private (int Exit, string[] Output, string Error) Source(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"source '{Repo.Path("scripts/lib/postgres.sh")}' && {script}");
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["PG_LIB_ROOT"] = root.FullName;
        start.Environment["SLA_PG_INSTALL"] = "no";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries), error.Trim());
    }
}

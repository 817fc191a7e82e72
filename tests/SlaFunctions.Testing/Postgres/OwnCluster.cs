using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SlaFunctions.Testing.Postgres;

/// <summary>
/// A PostgreSQL cluster of one test's own, started like <see cref="PostgresServer"/> does, that the test may stop,
/// start, restart and kill without disturbing the others.
/// </summary>
public sealed class OwnCluster : IDisposable
{
    private readonly string dir;
    private readonly int port;
    private readonly bool asRoot = Environment.UserName == "root";

    private OwnCluster(string dir, int port)
    {
        this.dir = dir;
        this.port = port;
    }

    /// <summary>The cluster's maintenance database: a test that has the cluster to itself uses it directly.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={port};Username=sla;Database=postgres;Timeout=3";

    public static OwnCluster Create()
    {
        var cluster = new OwnCluster(
            Directory.CreateTempSubdirectory("slafunctions-own-pg-").FullName,
            PostgresServer.FreePort()
        );
        if (cluster.asRoot)
        {
            PostgresServer.Run(false, "chown", "postgres:", cluster.dir);
        }

        cluster.Pg("initdb", "-D", cluster.dir, "-U", "sla", "--auth=trust", "-E", "UTF8", "--no-locale");
        cluster.Start();
        return cluster;
    }

    // fsync=off is safe here: a killed server leaves its writes in the OS. synchronous_commit stays on, as in
    // production: without it a killed server loses commits that clients were told about.
    public void Start() =>
        Pg(
            "pg_ctl",
            "-D",
            dir,
            "-l",
            Path.Combine(dir, "server.log"),
            "-w",
            "-o",
            $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start"
        );

    /// <summary>Fast shutdown: the server ends every session and stops; clients see their connections closed.</summary>
    public void Stop() => Pg("pg_ctl", "-D", dir, "-m", "fast", "-w", "stop");

    public void Restart() =>
        Pg(
            "pg_ctl",
            "-D",
            dir,
            "-m",
            "fast",
            "-w",
            "-l",
            Path.Combine(dir, "server.log"),
            "-o",
            $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "restart"
        );

    /// <summary>
    /// SIGKILL to the postmaster: no shutdown at all. Returns once its orphaned backends have noticed and exited.
    /// </summary>
    public void Kill()
    {
        var pid = int.Parse(
            File.ReadLines(Path.Combine(dir, "postmaster.pid")).First(),
            System.Globalization.CultureInfo.InvariantCulture
        );
        var children = Directory
            .GetDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0)
            .Where(p => p > 0 && ParentOf(p) == pid)
            .ToList();
        Process.GetProcessById(pid).Kill();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (children.Prepend(pid).Any(p => Directory.Exists($"/proc/{p}")) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after its closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(
                stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1],
                System.Globalization.CultureInfo.InvariantCulture
            );
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    public void Dispose()
    {
        try
        {
            Pg("pg_ctl", "-D", dir, "-m", "immediate", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped by the test.
        }

        Directory.Delete(dir, recursive: true);
    }

    private void Pg(string program, params string[] args) =>
        PostgresServer.Run(asRoot, PostgresBinaries.Find(program), args);
}

/// <summary>
/// initdb and pg_ctl where scripts/lib/postgres.sh finds them: PATH, else the newest /usr/lib/postgresql/*/bin.
/// </summary>
public static class PostgresBinaries
{
    public static string Find(string program)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program))
            .FirstOrDefault(File.Exists);
        if (onPath is not null || !Directory.Exists("/usr/lib/postgresql"))
        {
            return onPath ?? program;
        }

        return Directory
                .GetDirectories("/usr/lib/postgresql")
                .Select(d =>
                    (
                        Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0,
                        Bin: Path.Combine(d, "bin", program)
                    )
                )
                .Where(c => File.Exists(c.Bin))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Bin)
                .FirstOrDefault()
            ?? program;
    }
}

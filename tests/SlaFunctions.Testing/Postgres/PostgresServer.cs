using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SlaFunctions.Testing.Postgres;

/// <summary>
/// The PostgreSQL server the tests use: the one <c>scripts/test</c> started (SLA_TEST_POSTGRES), or a
/// throwaway cluster this process starts (initdb into a temporary folder, stopped at exit).
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> Connection = new(Start);

    /// <summary>A connection string to the server's maintenance database.</summary>
    public static string ConnectionString => Connection.Value;

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable("SLA_TEST_POSTGRES") is { Length: > 0 } given)
        {
            return given;
        }

        var dir = Directory.CreateTempSubdirectory("slafunctions-pg-").FullName;
        var port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            Run("chown", "postgres:", dir);
            Run("chmod", "755", dir);
        }

        Run(
            asRoot,
            PostgresBinaries.Find("initdb"),
            "-D",
            dir,
            "-U",
            "sla",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale"
        );
        Run(
            asRoot,
            PostgresBinaries.Find("pg_ctl"),
            "-D",
            dir,
            "-l",
            Path.Combine(dir, "server.log"),
            "-w",
            "-o",
            $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off",
            "start"
        );
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            Run(asRoot, PostgresBinaries.Find("pg_ctl"), "-D", dir, "-m", "immediate", "stop");
        return $"Host=127.0.0.1;Port={port};Username=sla;Database=postgres";
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static void Run(bool asPostgres, string program, params string[] args) =>
        Run(asPostgres ? "runuser" : program, asPostgres ? ["-u", "postgres", "--", program, .. args] : args);

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {error}{output.Result}");
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static string CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();
        using (var admin = new NpgsqlConnection(ConnectionString))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"create database \"{name}\"", admin);
            create.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }
}

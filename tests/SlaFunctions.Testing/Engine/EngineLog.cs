using Microsoft.Extensions.Logging;

namespace SlaFunctions.Testing.Engine;

/// <summary>
/// The engine's log when SLA_ENGINE_LOG is set, to find a failing case's why: <c>1</c> writes warnings, failing
/// activities and each command's delivery time to stderr; a file path writes all that and the providers'
/// information (each message received, each work item) to that file.
/// </summary>
public static class EngineLog
{
    private static readonly string? Setting = Environment.GetEnvironmentVariable("SLA_ENGINE_LOG") is { Length: > 0 } s
        ? s
        : null;

    private static readonly TextWriter? File =
        Setting is { } path && path != "1"
            ? TextWriter.Synchronized(new StreamWriter(path, append: true) { AutoFlush = true })
            : null;

    public static bool Enabled => Setting is not null;

    public static ILoggerFactory? Loggers { get; } =
        Setting is null
            ? null
            : LoggerFactory.Create(b =>
            {
                if (File is not null)
                {
                    Console.SetError(File);
                }

                b.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ")
                    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                    .SetMinimumLevel(File is null ? LogLevel.Warning : LogLevel.Information);
            });

    public static Task WriteAsync(string line) =>
        Setting is null ? Task.CompletedTask : Console.Error.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SlaFunctions.Bench.Durable;

/// <summary>
/// The engine's log, for a benchmark: errors on stderr as they happen, warnings counted by kind (the provider warns
/// about every message it abandons and every slow lease renewal, hundreds of lines under load) and summed up at the
/// end.
/// </summary>
internal sealed class WarningTally : ILoggerProvider
{
    private readonly ConcurrentDictionary<(string Category, int Id), (int Count, string First)> warnings = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>One line per kind of warning, the most frequent first, with its first message.</summary>
    public IEnumerable<string> Summary() =>
        warnings
            .OrderByDescending(w => w.Value.Count)
            .Select(w => $"{w.Value.Count:N0} x {w.Key.Category}[{w.Key.Id}], first: {w.Value.First}");

    public void Dispose() { }

    private sealed class Logger(WarningTally tally, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        )
        {
            if (logLevel >= LogLevel.Error)
            {
                var trace = exception is null ? string.Empty : Environment.NewLine + exception;
                Console.Error.WriteLine($"{category} {logLevel}: {formatter(state, exception)}{trace}");
            }
            else if (logLevel == LogLevel.Warning)
            {
                var message = formatter(state, exception);
                tally.warnings.AddOrUpdate((category, eventId.Id), (1, message), (_, w) => (w.Count + 1, w.First));
            }
        }
    }
}

using Microsoft.Extensions.Logging;

namespace SlaFunctions.Bench.Postgres;

/// <summary>Warnings and errors of the product's components, on stderr: a benchmark must not hide a failure.</summary>
internal sealed class StderrLogger<T> : ILogger<T>
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
        if (IsEnabled(logLevel))
        {
            Console.Error.WriteLine(
                $"{typeof(T).Name} {logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : Environment.NewLine + exception)}"
            );
        }
    }
}

using Npgsql;
using SlaFunctions.Core.Validation;
using SlaFunctions.SelfHost.Hosting;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>
/// What an operator causes and can fix — a missing or bad setting, a database that cannot be reached, a port
/// in use — said in one line instead of a stack trace.
/// </summary>
internal static class OperatorErrors
{
    public const int ExitCode = 1;

    public static string? Describe(Exception error) =>
        error switch
        {
            SettingsException or InvalidInputException => error.Message,
            NpgsqlException or ArgumentException { Source: "Npgsql" } =>
                $"cannot use the database of Sla__Database__ConnectionString (or --connection): {error.Message}",
            IOException => error.Message,
            _ => null,
        };
}

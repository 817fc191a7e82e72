using System.CommandLine;
using SlaFunctions.SelfHost.Hosting;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>
/// The executable's verbs. Without a verb it serves; anything it does not understand (an unknown verb, option or
/// extra argument) is exit code 2, one line on stderr naming it, and the usage of the verb at fault. Serving
/// also takes host settings written <c>--Name=value</c>.
/// </summary>
public static class SlaCommandLine
{
    public const int UsageError = 2;

    public static async Task<int> RunAsync(
        string[] args,
        TextReader stdin,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var root = Create(stdin, stdout, stderr);
        var parsed = root.Parse(args);
        var errors = parsed
            .Errors.Select(e => e.Message)
            .Concat(
                parsed
                    .UnmatchedTokens.Where(t => !IsHostSetting(t))
                    .Select(t => $"Unrecognized command or argument '{t}'.")
            )
            .Distinct()
            .ToList();
        if (errors.Count > 0)
        {
            await stderr.WriteLineAsync($"slafunctions: {string.Join("; ", errors)}");
            await Usage(root, parsed.CommandResult, stderr, cancellationToken);
            return UsageError;
        }

        try
        {
            return await parsed.InvokeAsync(
                new InvocationConfiguration
                {
                    EnableDefaultExceptionHandler = false,
                    Output = stdout,
                    Error = stderr,
                },
                cancellationToken
            );
        }
        catch (Exception e) when (OperatorErrors.Describe(e) is { } problem)
        {
            await stderr.WriteLineAsync($"slafunctions: {problem}");
            return OperatorErrors.ExitCode;
        }
    }

    private static RootCommand Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("SLA Functions: SLA clocks for help-desk tickets. Without a command it serves.")
        {
            Serve(),
            SimulateCommand.Create(stdin, stdout, stderr),
            DatabaseCommands.Migrate(stdout),
            DatabaseCommands.Engine(),
            TenantCommands.Tenants(stdout, stderr),
            TenantCommands.Keys(stdout, stderr),
            RolloutCommands.Rollout(stdout, stderr),
            SeedCommand.Create(stdout, stderr),
            DeliveryCommands.Deliveries(stdout, stderr),
        };
        // Serving takes host settings as --Name=value too (ASP.NET Core's command-line configuration).
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parsed, ct) => WebApp.RunAsync([.. parsed.UnmatchedTokens], ct));
        return root;
    }

    /// <summary>
    /// A host setting such as <c>--urls=http://0.0.0.0:8080</c> or <c>--Sla:Database:ConnectionString=…</c>.
    /// </summary>
    private static bool IsHostSetting(string token) =>
        token.StartsWith("--", StringComparison.Ordinal)
        && token.IndexOf('=', StringComparison.Ordinal) is > 2 and var equals
        && token[2..equals].All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '.' or '-');

    private static Command Serve()
    {
        var urls = new Option<string?>("--urls")
        {
            Description = $"Where to listen, such as http://0.0.0.0:8080 (default {WebApp.DefaultUrl}).",
        };
        var connection = DatabaseCommands.ConnectionOption();
        var serve = new Command(
            "serve",
            $"Run the service: the HTTP API (default {WebApp.DefaultUrl}), the polling engine and the notification dispatcher."
        )
        {
            urls,
            connection,
        };
        serve.TreatUnmatchedTokensAsErrors = false;
        serve.SetAction(
            (parsed, ct) =>
            {
                string?[] settings =
                [
                    parsed.GetValue(urls) is { } u ? $"--urls={u}" : null,
                    parsed.GetValue(connection) is { } c ? $"--Sla:Database:ConnectionString={c}" : null,
                ];
                return WebApp.RunAsync([.. parsed.UnmatchedTokens, .. settings.OfType<string>()], ct);
            }
        );
        return serve;
    }

    /// <summary>The help of the command the parser got to, written to stderr.</summary>
    private static async Task Usage(
        RootCommand root,
        System.CommandLine.Parsing.CommandResult at,
        TextWriter stderr,
        CancellationToken cancellationToken
    )
    {
        var path = new List<string>();
        for (var command = at; command.Parent is System.CommandLine.Parsing.CommandResult parent; command = parent)
        {
            path.Insert(0, command.Command.Name);
        }

        await root.Parse([.. path, "--help"])
            .InvokeAsync(new InvocationConfiguration { Output = stderr, Error = stderr }, cancellationToken);
    }
}

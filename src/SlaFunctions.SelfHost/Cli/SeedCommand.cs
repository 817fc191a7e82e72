using System.CommandLine;
using NodaTime;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Migrations;
using SlaFunctions.Postgres.Tenants;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>
/// <c>seed TENANT --calendar ID=FILE --policy ID=FILE [--default-policy ID] [--key-file FILE]</c>: sets a tenant
/// up from files, idempotently. The key file keeps the tenant's API key between runs (created when missing or
/// no longer valid); the key is printed.
/// </summary>
public static class SeedCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var connection = DatabaseCommands.ConnectionOption();
        var tenant = new Argument<string>("TENANT");
        var calendars = new Option<string[]>("--calendar")
        {
            Description = "ID=FILE: a calendar (SPEC §3 JSON).",
            AllowMultipleArgumentsPerToken = false,
        };
        var policies = new Option<string[]>("--policy") { Description = "ID=FILE: a policy (SPEC §3 JSON)." };
        var defaultPolicy = new Option<string?>("--default-policy")
        {
            Description = "The policy of tickets whose start names none.",
        };
        var keyFile = new Option<FileInfo?>("--key-file")
        {
            Description = "Where the tenant's API key is kept between runs.",
        };
        var command = new Command("seed", "Set up a tenant with calendars, policies and an API key (idempotent).")
        {
            tenant,
            calendars,
            policies,
            defaultPolicy,
            keyFile,
            connection,
        };
        command.SetAction(
            async (parsed, ct) =>
            {
                var settings = DatabaseCommands.Settings(parsed.GetValue(connection));
                await using var dataSource = SlaDatabase.Open(settings.ConnectionString);
                await Migrator.MigrateAsync(dataSource, ct);
                var tenants = new TenantStore(dataSource, SystemClock.Instance);
                var definitions = new DefinitionStore(dataSource, SystemClock.Instance);
                var id = parsed.GetValue(tenant)!;
                try
                {
                    if (!await tenants.ExistsAsync(id, ct))
                    {
                        await tenants.AddAsync(id, id, ct);
                    }

                    foreach (var (calendarId, file) in Pairs(parsed.GetValue(calendars), "--calendar"))
                    {
                        stdout.WriteLine(
                            $"seed: calendar {calendarId} version {await definitions.PutCalendarAsync(id, calendarId, await File.ReadAllTextAsync(file, ct), ct)}"
                        );
                    }

                    foreach (var (policyId, file) in Pairs(parsed.GetValue(policies), "--policy"))
                    {
                        stdout.WriteLine(
                            $"seed: policy {policyId} version {await definitions.PutPolicyAsync(id, policyId, await File.ReadAllTextAsync(file, ct), ct)}"
                        );
                    }

                    if (parsed.GetValue(defaultPolicy) is { } policy)
                    {
                        await definitions.SetDefaultPolicyAsync(id, policy, ct);
                    }

                    var key = await KeyAsync(tenants, id, parsed.GetValue(keyFile), ct);
                    stdout.WriteLine($"seed: tenant {id} is ready; its API key: {key}");
                    return 0;
                }
                catch (InvalidInputException e)
                {
                    stderr.WriteLine($"seed: {e.Message}");
                    return SimulateCommand.InvalidInput;
                }
            }
        );
        return command;
    }

    private static async Task<string> KeyAsync(
        TenantStore tenants,
        string tenant,
        FileInfo? keyFile,
        CancellationToken cancellationToken
    )
    {
        if (
            keyFile is { Exists: true }
            && (await File.ReadAllTextAsync(keyFile.FullName, cancellationToken)).Trim() is var kept
            && await tenants.AuthenticateAsync(kept, cancellationToken) == tenant
        )
        {
            return kept;
        }

        var key = (await tenants.CreateKeyAsync(tenant, cancellationToken)).Token;
        if (keyFile is not null)
        {
            keyFile.Directory?.Create();
            await File.WriteAllTextAsync(keyFile.FullName, key + Environment.NewLine, cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyFile.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return key;
    }

    private static IEnumerable<(string Id, string File)> Pairs(string[]? values, string option) =>
        (values ?? []).Select(value =>
            value.Split('=', 2) is [var id, var file] && id.Length > 0
                ? (id, file)
                : throw new InvalidInputException(option, $"'{value}' must be ID=FILE")
        );
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Migrations;
using SlaFunctions.Postgres.Tenants;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>
/// <c>tenants add</c>, <c>tenants settings</c>, <c>keys create</c>, <c>keys revoke</c>: managing tenants and who may
/// call the API.
/// </summary>
public static class TenantCommands
{
    public static Command Tenants(TextWriter stdout, TextWriter stderr)
    {
        var connection = DatabaseCommands.ConnectionOption();
        var id = new Argument<string>("TENANT") { Description = "The tenant id used in API routes." };
        var name = new Option<string?>("--name") { Description = "A display name (default: the id)." };
        var add = new Command("add", "Add a tenant.") { id, name, connection };
        add.SetAction(
            (parsed, ct) =>
                Run(
                    parsed.GetValue(connection),
                    stderr,
                    async store =>
                    {
                        await store.AddAsync(parsed.GetValue(id)!, parsed.GetValue(name) ?? parsed.GetValue(id)!, ct);
                        stdout.WriteLine($"tenants: added {parsed.GetValue(id)}");
                    },
                    ct
                )
        );

        var settingsOf = new Argument<string>("TENANT");
        var tolerance = new Option<TenantSettings?>("--late-event-tolerance")
        {
            HelpName = "MINUTES",
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"Set how old a late event may be and still be accepted, in whole minutes from 0 to "
                    + $"{TenantSettings.MaxLateEventToleranceMinutes} (default "
                    + $"{TenantSettings.Default.LateEventTolerance.TotalMinutes})."
            ),
            CustomParser = ToleranceMinutes,
        };
        var settings = new Command("settings", "Show a tenant's settings, or set them first.")
        {
            settingsOf,
            tolerance,
            connection,
        };
        settings.SetAction(
            (parsed, ct) =>
                Run(
                    parsed.GetValue(connection),
                    stderr,
                    async store =>
                    {
                        var tenant = Identifiers.Require(parsed.GetValue(settingsOf), "TENANT");
                        if (!await store.ExistsAsync(tenant, ct))
                        {
                            // Not the defaults: a mistyped tenant id must not look like a tenant that set none.
                            throw new InvalidInputException("TENANT", $"tenant '{tenant}' does not exist");
                        }

                        var current = parsed.GetValue(tolerance) is { } chosen
                            ? await store.SetAsync(tenant, chosen, ct)
                            : await store.GetAsync(tenant, ct);
                        stdout.WriteLine(
                            FormattableString.Invariant(
                                $"tenants: {tenant} late-event tolerance {current.LateEventTolerance.TotalMinutes} min"
                            )
                        );
                    },
                    ct
                )
        );
        return new Command("tenants", "Manage tenants.") { add, settings };
    }

    public static Command Keys(TextWriter stdout, TextWriter stderr)
    {
        var connection = DatabaseCommands.ConnectionOption();
        var tenant = new Argument<string>("TENANT");
        var create = new Command("create", "Create an API key for a tenant; it is shown once.") { tenant, connection };
        create.SetAction(
            (parsed, ct) =>
                Run(
                    parsed.GetValue(connection),
                    stderr,
                    async store =>
                    {
                        var key = await store.CreateKeyAsync(parsed.GetValue(tenant)!, ct);
                        stdout.WriteLine(
                            $"keys: created {key.KeyId} for {key.TenantId}; the key (shown only now): {key.Token}"
                        );
                    },
                    ct
                )
        );

        var revokeTenant = new Argument<string>("TENANT");
        var keyId = new Argument<string>("KEY_ID") { Description = "The key id shown when the key was created." };
        var revoke = new Command("revoke", "Revoke a tenant's API key.") { revokeTenant, keyId, connection };
        revoke.SetAction(
            (parsed, ct) =>
                Run(
                    parsed.GetValue(connection),
                    stderr,
                    async store =>
                    {
                        var revoked = await store.RevokeKeyAsync(
                            parsed.GetValue(revokeTenant)!,
                            parsed.GetValue(keyId)!,
                            ct
                        );
                        if (!revoked)
                        {
                            throw new InvalidInputException(
                                "KEY_ID",
                                $"{parsed.GetValue(revokeTenant)} has no active key {parsed.GetValue(keyId)}"
                            );
                        }

                        stdout.WriteLine($"keys: revoked {parsed.GetValue(keyId)}");
                    },
                    ct
                )
        );
        return new Command("keys", "Manage tenants' API keys.") { create, revoke };
    }

    /// <summary>
    /// The option's minutes as settings, or a usage error naming the option: what is not a whole number is refused
    /// with the same words as a number out of range.
    /// </summary>
    private static TenantSettings? ToleranceMinutes(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        var minutes = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var m)
            ? m
            : int.MinValue;
        try
        {
            return TenantSettings.FromToleranceMinutes(minutes, "--late-event-tolerance");
        }
        catch (InvalidInputException e)
        {
            result.AddError(e.Message);
            return null;
        }
    }

    private static async Task<int> Run(
        string? connection,
        TextWriter stderr,
        Func<TenantStore, Task> action,
        CancellationToken cancellationToken
    )
    {
        var settings = DatabaseCommands.Settings(connection);
        await using var dataSource = SlaDatabase.Open(settings.ConnectionString);
        await Migrator.MigrateAsync(dataSource, cancellationToken);
        try
        {
            await action(new TenantStore(dataSource, SystemClock.Instance));
            return 0;
        }
        catch (InvalidInputException e)
        {
            stderr.WriteLine(e.Message);
            return SimulateCommand.InvalidInput;
        }
    }
}

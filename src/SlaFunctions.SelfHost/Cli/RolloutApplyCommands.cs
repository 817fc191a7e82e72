using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Migrations;
using SlaFunctions.Postgres.Rollouts;
using SlaFunctions.SelfHost.Hosting;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>
/// <c>rollout apply|status|cancel</c>: a rollout for real, as <c>POST …/rollouts</c> (<c>"dryRun": false</c>),
/// <c>GET …/rollouts/{id}</c> and <c>POST …/rollouts/{id}/cancel</c>. <c>apply</c> starts it and applies its batches
/// in this process until it is done, with a progress line on a terminal; stopped midway, the service's rollout worker
/// (or <c>apply --resume ID</c>) goes on from where it stopped. Durable tickets are left to the Function App.
/// </summary>
public static class RolloutApplyCommands
{
    public static Command Apply(TextWriter stdout, TextWriter stderr)
    {
        var connection = DatabaseCommands.ConnectionOption();
        var tenant = new Argument<string>("TENANT");
        var options = new RolloutPlanOptions();
        var resume = new Option<string?>("--resume") { Description = "Go on with a started rollout (its id)." };
        var command = new Command("apply", "Put a policy version in force on a tenant's open tickets, in batches.")
        {
            tenant,
            resume,
            connection,
        };
        options.AddTo(command);
        command.SetAction(
            (parsed, ct) =>
                RunAsync(
                    parsed.GetValue(connection),
                    stderr,
                    async (rollouts, previews) =>
                    {
                        var tenantId = Identifiers.Require(parsed.GetValue(tenant), "TENANT");
                        var progress = parsed.GetValue(resume) is { } id
                            ? await rollouts.GetAsync(tenantId, RolloutProgress.ParseId(id, "--resume"), ct)
                                ?? throw new InvalidInputException("--resume", $"no rollout '{id}' in '{tenantId}'")
                            : await rollouts.StartAsync(
                                tenantId,
                                await options.Read(parsed).ResolvedAsync(previews, tenantId, ct),
                                ct
                            );
                        stdout.WriteLine($"rollout: {progress.Id:D} started");
                        progress = await DriveAsync(rollouts, progress, stderr, ct);
                        Print(stdout, progress);
                        return 0;
                    }
                )
        );
        return command;
    }

    public static Command Status(TextWriter stdout, TextWriter stderr) =>
        ById(
            "status",
            "Where a rollout stands: state, done of total, skipped, and what it did so far.",
            stdout,
            stderr,
            (rollouts, tenant, id, ct) => rollouts.GetAsync(tenant, id, ct)
        );

    public static Command Cancel(TextWriter stdout, TextWriter stderr) =>
        ById(
            "cancel",
            "Stop a rollout before it finishes; the tickets it changed keep the change.",
            stdout,
            stderr,
            async (rollouts, tenant, id, ct) =>
                await rollouts.CancelAsync(tenant, id, ct) is { State: RolloutState.Done }
                    ? throw new InvalidInputException(
                        "ROLLOUT",
                        "the rollout is done: every ticket it matched has the change"
                    )
                    : await rollouts.GetAsync(tenant, id, ct)
        );

    private static Command ById(
        string name,
        string description,
        TextWriter stdout,
        TextWriter stderr,
        Func<RolloutRuns, string, Guid, CancellationToken, Task<RolloutProgress?>> run
    )
    {
        var connection = DatabaseCommands.ConnectionOption();
        var tenant = new Argument<string>("TENANT");
        var rollout = new Argument<string>("ROLLOUT") { Description = "The rollout's id, as apply printed it." };
        var command = new Command(name, description) { tenant, rollout, connection };
        command.SetAction(
            (parsed, ct) =>
                RunAsync(
                    parsed.GetValue(connection),
                    stderr,
                    async (rollouts, _) =>
                    {
                        var tenantId = Identifiers.Require(parsed.GetValue(tenant), "TENANT");
                        var id = parsed.GetValue(rollout)!;
                        var progress =
                            await run(rollouts, tenantId, RolloutProgress.ParseId(id, "ROLLOUT"), ct)
                            ?? throw new InvalidInputException("ROLLOUT", $"no rollout '{id}' in '{tenantId}'");
                        Print(stdout, progress);
                        return 0;
                    }
                )
        );
        return command;
    }

    /// <summary>The service's own wiring (sinks and all), so that what a batch fires is queued as the service would.</summary>
    private static async Task<int> RunAsync(
        string? connection,
        TextWriter stderr,
        Func<RolloutRuns, RolloutPreviews, Task<int>> run
    )
    {
        var services = new ServiceCollection().AddLogging().AddSla(DatabaseCommands.Settings(connection));
        await using var provider = services.BuildServiceProvider();
        await Migrator.MigrateAsync(provider.GetRequiredService<NpgsqlDataSource>());
        try
        {
            return await run(
                provider.GetRequiredService<RolloutRuns>(),
                provider.GetRequiredService<RolloutPreviews>()
            );
        }
        catch (InvalidInputException e)
        {
            return RolloutCommands.Refused(stderr, e);
        }
    }

    /// <summary>How many idle rounds in a row (each <see cref="RolloutRuns.IdleWait"/>) apply waits out.</summary>
    private const int IdleRounds = 10;

    /// <summary>
    /// Applies batches until the rollout is no longer running; a scheduled one is left to its instant. When rounds
    /// reach nothing for <see cref="IdleRounds"/> in a row (what is left is durable, which only the Function App can
    /// signal, or held by another worker), it says so and leaves the rest to the service's workers.
    /// </summary>
    private static async Task<RolloutProgress> DriveAsync(
        RolloutRuns rollouts,
        RolloutProgress progress,
        TextWriter stderr,
        CancellationToken cancellationToken
    )
    {
        var terminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        var idle = 0;
        while (progress.State == RolloutState.Running && idle < IdleRounds)
        {
            var reached = await rollouts.ApplyBatchAsync(null, cancellationToken);
            if (reached == 0)
            {
                await Task.Delay(RolloutRuns.IdleWait, cancellationToken);
            }

            progress = (await rollouts.GetAsync(progress.TenantId, progress.Id, cancellationToken))!;
            idle = reached == 0 ? idle + 1 : 0;
            if (terminal)
            {
                stderr.Write(
                    $"\rrollout: {progress.Done:N0} of {progress.Total:N0} done, {progress.Applied.Skipped:N0} skipped"
                );
            }
        }

        if (terminal)
        {
            stderr.WriteLine();
        }

        if (progress.State == RolloutState.Running)
        {
            stderr.WriteLine(
                $"rollout: nothing more to reach here for {IdleRounds} s: the tickets left are durable (the Function App "
                    + "signals them) or held by another worker; the service goes on with it "
                    + $"(rollout status {progress.TenantId} {progress.Id:D})"
            );
        }

        return progress;
    }

    private static void Print(TextWriter stdout, RolloutProgress progress)
    {
        var title =
            $"{RolloutCommands.Title(progress.Plan)}, {WireNames.Of(progress.State)} ({progress.Done} of {progress.Total} done)";
        RolloutCommands.PrintSummary(stdout, title, progress.Applied);
    }
}

using System.CommandLine;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Migrations;
using SlaFunctions.Postgres.Rollouts;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>
/// <c>rollout plan</c>: the dry run of a policy version on a tenant's open tickets, as <c>POST …/rollouts</c> with
/// <c>"dryRun": true</c> answers it: the summary, then the tickets (or CSV). <c>apply</c>, <c>status</c> and
/// <c>cancel</c>: the rollout for real (<see cref="RolloutApplyCommands"/>).
/// </summary>
public static class RolloutCommands
{
    public static Command Rollout(TextWriter stdout, TextWriter stderr)
    {
        var connection = DatabaseCommands.ConnectionOption();
        var tenant = new Argument<string>("TENANT");
        var options = new RolloutPlanOptions();
        var limit = new Option<int>("--limit")
        {
            Description = "List at most this many tickets (the summary counts all).",
            DefaultValueFactory = _ => 50,
        };
        var csv = new Option<bool>("--csv") { Description = "The tickets as CSV, as the API's text/csv answer." };
        var plan = new Command("plan", "Dry-run a policy version on a tenant's open tickets: what each would see.")
        {
            tenant,
            limit,
            csv,
            connection,
        };
        options.AddTo(plan);
        plan.SetAction(
            async (parsed, ct) =>
            {
                var settings = DatabaseCommands.Settings(parsed.GetValue(connection));
                await using var dataSource = SlaDatabase.Open(settings.ConnectionString);
                await Migrator.MigrateAsync(dataSource, ct);
                try
                {
                    var take = parsed.GetValue(limit);
                    if (take is < 1 or > 10_000)
                    {
                        throw new InvalidInputException("--limit", "must be from 1 to 10000");
                    }

                    var definitions = new DefinitionStore(dataSource, SystemClock.Instance);
                    var previews = new RolloutPreviews(dataSource, definitions, new PolicyCache(definitions));
                    var tenantId = Identifiers.Require(parsed.GetValue(tenant), "TENANT");
                    var rollout = await options.Read(parsed).ResolvedAsync(previews, tenantId, ct);
                    // Progress on a terminal only: a line rewritten in place.
                    var progress =
                        ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected
                            ? new LineProgress(stderr)
                            : null;
                    var page = await previews.PreviewAsync(tenantId, rollout, null, take, progress, ct);
                    if (progress is not null)
                    {
                        stderr.WriteLine();
                    }

                    Print(stdout, rollout, page, parsed.GetValue(csv));
                    return 0;
                }
                catch (InvalidInputException e)
                {
                    return Refused(stderr, e);
                }
            }
        );
        return new Command("rollout", "Policy versions on open tickets: plan (a dry run), apply, status, cancel.")
        {
            plan,
            RolloutApplyCommands.Apply(stdout, stderr),
            RolloutApplyCommands.Status(stdout, stderr),
            RolloutApplyCommands.Cancel(stdout, stderr),
        };
    }

    internal static void Print(TextWriter stdout, RolloutPlan plan, RolloutPreviewPage page, bool csv)
    {
        if (csv)
        {
            stdout.Write(RolloutCsv.Write(page));
            return;
        }

        foreach (var ticket in page.Tickets)
        {
            var phases = ticket.Phases.Select(p =>
                $"{WireNames.Of(p.Phase)} {Text(p.DueBefore)} -> {Text(p.DueAfter)} ({Text(p.StateBefore)} -> {Text(p.StateAfter)})"
            );
            stdout.WriteLine(
                $"{ticket.TicketId}\t{WireNames.Of(ticket.Effect)}\t{ticket.Skipped ?? string.Join("; ", phases)}\t{ticket.FiresAtChange.Length} fire at the change"
            );
        }

        PrintSummary(stdout, $"{Title(plan)}, dry run", page.Summary);
    }

    /// <summary>A refusal on one line, naming the option (the store names the API's fields).</summary>
    internal static int Refused(TextWriter stderr, InvalidInputException e)
    {
        var option = e.Path switch
        {
            "$.policyId" => "--policy",
            "$.version" => "--version",
            "$.calendarId" => "--calendar",
            var path => path,
        };
        stderr.WriteLine($"{option}: {e.Problem}");
        return SimulateCommand.InvalidInput;
    }

    internal static string Title(RolloutPlan plan)
    {
        var versions = string.Join(", ", plan.Versions.Select(v => $"{v.Id} version {v.Version}"));
        return plan.CalendarId is { } calendarId
            ? $"rollout: calendar {calendarId} ({versions}) at {IsoText.Format(plan.EffectiveAt)}"
            : $"rollout: {versions} at {IsoText.Format(plan.EffectiveAt)}";
    }

    /// <summary>The summary's counts, as the API's <c>summary</c>, and one line per skip reason.</summary>
    internal static void PrintSummary(TextWriter stdout, string title, RolloutSummary s)
    {
        stdout.WriteLine(
            $"{title}: {s.Matched} matched, {s.Unchanged} unchanged, {s.DueEarlier} due earlier, {s.DueLater} due later, "
                + $"{s.NewlyBreached} newly breached, {s.Skipped} skipped"
        );
        foreach (var (reason, count) in s.SkippedReasons)
        {
            stdout.WriteLine($"rollout: {count} skipped: {reason}");
        }
    }

    /// <summary>Reports at once, on the caller's thread, so that nothing is written after the run's last line.</summary>
    private sealed class LineProgress(TextWriter writer) : IProgress<int>
    {
        public void Report(int value) => writer.Write($"\rrollout: {value:N0} tickets looked at");
    }

    private static string Text(Instant? instant) => instant is { } at ? IsoText.Format(at) : "-";

    private static string Text(Core.Tracking.PhaseOutcome? state) => state is { } s ? WireNames.Of(s) : "untracked";
}

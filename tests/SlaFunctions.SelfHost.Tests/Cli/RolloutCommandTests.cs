using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.SelfHost.Tests.Cli;

/// <summary>
/// <c>rollout plan TENANT --policy ID --version N</c> on a real database: the API's dry run, printed; <c>rollout
/// apply</c>, <c>status</c> and <c>cancel</c>: the rollout for real, with the same summary.
/// </summary>
public class RolloutCommandTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Version2 = """
        { "calendar": "ny", "targets": {
            "P1": { "responseMinutes": 30, "resolutionMinutes": 480 },
            "P2": { "responseMinutes": 240, "resolutionMinutes": 1440 } } }
        """;

    [Fact]
    public async Task It_prints_each_tickets_change_and_the_summary_and_changes_nothing()
    {
        var (sla, tenant) = await TwoTicketsAsync("P2");
        var version = await sla.CountAsync(
            "select version from ticket_slas where tenant_id = $1 and ticket_id = 'T-1'",
            tenant
        );

        var (exit, stdout, stderr) = await ToVersion2Async("plan", tenant);

        Assert.Equal((0, ""), (exit, stderr));
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.StartsWith("T-1\tdueEarlier\tresponse ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("T-2\tunchanged\t", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(
            "dry run: 2 matched, 1 unchanged, 1 due earlier, 0 due later, 0 newly breached, 0 skipped",
            lines[2],
            StringComparison.Ordinal
        );
        Assert.Equal(
            version,
            await sla.CountAsync("select version from ticket_slas where tenant_id = $1 and ticket_id = 'T-1'", tenant)
        );

        var csv = await Verbs.OnAsync(
            database,
            "rollout",
            "plan",
            tenant,
            "--policy",
            "standard",
            "--version",
            "2",
            "--csv"
        );
        Assert.StartsWith("ticketId,priority,effect,", csv.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_that_does_not_exist_is_refused_naming_the_option()
    {
        var sla = new SlaHarness(database.DataSource, SystemClock.Instance.GetCurrentInstant());
        var tenant = await sla.NewTenantAsync();

        var (exit, stdout, stderr) = await Verbs.OnAsync(
            database,
            "rollout",
            "plan",
            tenant,
            "--policy",
            "standard",
            "--version",
            "9"
        );

        Assert.Equal((2, ""), (exit, stdout));
        Assert.Equal("--version: policy 'standard' has no version 9 (its latest is 1)\n", stderr);
    }

    [Fact]
    public async Task Apply_changes_the_tickets_and_prints_the_summary_status_reads_it_and_cancel_refuses_a_done_one()
    {
        var (sla, tenant) = await TwoTicketsAsync("P2");

        var (exit, stdout, stderr) = await ToVersion2Async("apply", tenant);

        Assert.Equal((0, ""), (exit, stderr));
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Matches("^rollout: [0-9a-f-]{36} started$", lines[0]);
        Assert.EndsWith(
            "done (2 of 2 done): 2 matched, 1 unchanged, 1 due earlier, 0 due later, 0 newly breached, 0 skipped",
            lines[1],
            StringComparison.Ordinal
        );
        var t1 = (await sla.Service.GetSlaAsync(SlaHarness.Ticket(tenant, "T-1")))!;
        Assert.Equal(2, t1.PolicyAt(SystemClock.Instance.GetCurrentInstant()).Ref.Version);
        var id = lines[0].Split(' ')[1];

        var status = await Verbs.OnAsync(database, "rollout", "status", tenant, id);
        var cancel = await Verbs.OnAsync(database, "rollout", "cancel", tenant, id);
        var unknown = await Verbs.OnAsync(database, "rollout", "status", tenant, "not-a-uuid");

        Assert.Equal((0, lines[1] + "\n"), (status.Exit, status.Stdout));
        Assert.Equal(
            (2, "ROLLOUT: the rollout is done: every ticket it matched has the change\n"),
            (cancel.Exit, cancel.Stderr)
        );
        Assert.Equal((2, "ROLLOUT: must be a rollout id (a UUID)\n"), (unknown.Exit, unknown.Stderr));

        var byCalendar = await Verbs.OnAsync(database, "rollout", "plan", tenant, "--calendar", "ny");
        var both = await Verbs.OnAsync(database, "rollout", "plan", tenant, "--calendar", "ny", "--policy", "standard");
        Assert.Equal(0, byCalendar.Exit);
        Assert.Contains("rollout: calendar ny (standard version 2) at ", byCalendar.Stdout, StringComparison.Ordinal);
        Assert.Contains(
            "2 matched, 0 unchanged, 0 due earlier, 0 due later, 0 newly breached, 2 skipped",
            byCalendar.Stdout,
            StringComparison.Ordinal
        );
        Assert.Equal(
            (2, "--calendar: give --policy and --version, or --calendar, not both\n"),
            (both.Exit, both.Stderr)
        );
    }

    [Fact]
    public async Task Apply_leaves_durable_tickets_to_the_service_and_says_so_instead_of_waiting_forever()
    {
        var (sla, tenant) = await TwoTicketsAsync("P1");
        await sla.CountAsync(
            "with d as (update ticket_slas set backend = 'durable' where tenant_id = $1 and ticket_id = 'T-2' returning 1) select count(*) from d",
            tenant
        );

        var (exit, stdout, stderr) = await ToVersion2Async("apply", tenant);

        Assert.Equal(0, exit);
        Assert.Contains("running (1 of 2 done)", stdout, StringComparison.Ordinal);
        Assert.StartsWith(
            "rollout: nothing more to reach here for 10 s: the tickets left are durable",
            stderr,
            StringComparison.Ordinal
        );
    }

    /// <summary>
    /// A tenant on a 24x7 calendar with T-1 (P1) and T-2 (<paramref name="secondPriority"/>) started on the policy's
    /// version 1, and its version 2 put.
    /// </summary>
    private async Task<(SlaHarness Sla, string Tenant)> TwoTicketsAsync(string secondPriority)
    {
        var sla = new SlaHarness(database.DataSource, SystemClock.Instance.GetCurrentInstant());
        var tenant = await sla.NewTenantAsync("""{ "timeZone": "UTC", "is24x7": true }""");
        await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-1"), new StartRequest("P1"));
        await sla.Service.StartAsync(SlaHarness.Ticket(tenant, "T-2"), new StartRequest(secondPriority));
        await sla.Definitions.PutPolicyAsync(tenant, "standard", Version2);
        return (sla, tenant);
    }

    private Task<(int Exit, string Stdout, string Stderr)> ToVersion2Async(string verb, string tenant) =>
        Verbs.OnAsync(database, "rollout", verb, tenant, "--policy", "standard", "--version", "2");
}

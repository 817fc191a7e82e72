using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Bench.Postgres;

/// <summary>
/// <c>scripts/bench polling --profile</c>: where one engine's time per wake-up goes. Drains a round of the
/// polling benchmark's due rows out of 100k tracked tickets with <c>pg_stat_statements</c> on (planning and
/// execution time per statement), then repeats in process, on a batch's snapshots, each step the engine
/// takes per row: JSON in, timeline rebuild, firing, projection, JSON out. A last round checks for drift.
/// </summary>
internal static class PollingProfile
{
    private const int Tracked = 100_000;
    private const int DueRows = 10_000;

    public static async Task<int> RunAsync()
    {
        var clock = new BenchClock(Instant.FromUtc(2026, 6, 10, 13, 0));
        await using var database = await BenchDatabase.CreateAsync(
            "bench_profile",
            clock,
            PollingScenario.Calendar,
            PollingScenario.Policy
        );
        await database.ExecuteAsync("create extension pg_stat_statements");
        var policy = PollingScenario.Compile(database.PolicyVersion);
        var (_, rounds) = await PollingScenario.SeedAsync(database, Tracked, DueRows, 4);
        await database.ExecuteAsync("vacuum analyze");
        await database.ExecuteAsync("checkpoint");

        var engine = database.Engine();
        Console.WriteLine(
            $"profile: {Tracked:N0} tracked tickets, {DueRows:N0} due per round; load average {Report.LoadAverage()}"
        );
        await DrainAsync(Claims(engine), clock, rounds[0].At, "warm-up");
        await database.ExecuteAsync("select pg_stat_statements_reset()");
        var drain = await DrainAsync(Claims(engine), clock, rounds[1].At, "measured, the engine as it is");
        var server = await ServerTimeAsync(database);

        // The same work in process, on the rows due in the next round as the engine reads them (jsonb text).
        clock.Now = rounds[2].At;
        var snapshots = await SnapshotsAsync(database, clock.Now);
        var steps = ClientSteps(policy, snapshots, clock.Now);

        var perWakeup = drain.Seconds * 1e6 / drain.Claimed;
        Console.WriteLine();
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"engine: {drain.Claimed:N0} wake-ups in {drain.Seconds:F2} s = {perWakeup:F0} µs per wake-up; "
                    + $"engine process CPU {drain.CpuSeconds * 1e6 / drain.Claimed:F0} µs and {drain.AllocatedBytes / drain.Claimed / 1024.0:F0} KiB allocated per wake-up"
            )
        );
        Console.WriteLine();
        Console.WriteLine("per wake-up (µs)  where");
        foreach (var (name, micros) in steps)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{micros, 16:F1}  .NET: {name}"));
        }

        foreach (var (statement, calls, execMs, planMs) in server)
        {
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{(execMs + planMs) * 1000 / drain.Claimed, 16:F1}  PostgreSQL: {statement} ({calls:N0} calls; plan {planMs * 1000 / drain.Claimed:F1}, execute {execMs * 1000 / drain.Claimed:F1})"
                )
            );
        }

        var accounted = steps.Sum(s => s.Micros) + server.Sum(s => (s.ExecMs + s.PlanMs) * 1000 / drain.Claimed);
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{perWakeup - accounted, 16:F1}  the rest: Npgsql building and sending the statements, protocol, commit, scheduling"
            )
        );

        Console.WriteLine();
        var again = await DrainAsync(Claims(engine), clock, rounds[3].At, "the engine as it is, again (drift check)");
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"wake-ups/s: {drain.Claimed / drain.Seconds:N0} and {again.Claimed / again.Seconds:N0}; load average {Report.LoadAverage()}"
            )
        );
        return 0;
    }

    private static async Task<Drain> DrainAsync(Func<Task<int>> poll, BenchClock clock, Instant at, string label)
    {
        clock.Now = at;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        long claimed = 0;
        int batch;
        do
        {
            batch = await poll();
            claimed += batch;
        } while (batch > 0);

        var drain = new Drain(
            claimed,
            watch.Elapsed.TotalSeconds,
            (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds,
            GC.GetTotalAllocatedBytes() - allocated
        );
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{label}: {claimed:N0} wake-ups in {drain.Seconds:F2} s ({claimed / drain.Seconds:N0}/s)"
            )
        );
        return drain;
    }

    private static async Task<List<(string Statement, long Calls, double ExecMs, double PlanMs)>> ServerTimeAsync(
        BenchDatabase database
    )
    {
        await using var command = database.DataSource.CreateCommand(
            """
            select regexp_replace(query, '\s+', ' ', 'g'), calls, total_exec_time, total_plan_time from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat_statements%'
            order by total_exec_time + total_plan_time desc limit 8
            """
        );
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long, double, double)>();
        while (await reader.ReadAsync())
        {
            var query = reader.GetString(0);
            rows.Add(
                (
                    query.Length > 70 ? query[..70] + "…" : query,
                    reader.GetInt64(1),
                    reader.GetDouble(2),
                    reader.GetDouble(3)
                )
            );
        }

        return rows;
    }

    private static async Task<List<string>> SnapshotsAsync(BenchDatabase database, Instant now)
    {
        await using var command = database.DataSource.CreateCommand(
            "select snapshot::text from ticket_slas where next_wake_at <= $1 order by next_wake_at limit 500"
        );
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await using var reader = await command.ExecuteReaderAsync();
        var snapshots = new List<string>();
        while (await reader.ReadAsync())
        {
            snapshots.Add(reader.GetString(0));
        }

        return snapshots;
    }

    /// <summary>
    /// Each step the engine takes per row, timed over a batch's rows (median of 20 passes), in µs per row.
    /// </summary>
    private static List<(string Name, double Micros)> ClientSteps(SlaPolicy policy, List<string> json, Instant now)
    {
        var ticket = new TicketKey(BenchDatabase.TenantId, "T-0000000");
        SlaSnapshot[] snapshots = [];
        TicketSla[] restored = [];
        FiringResult[] fired = [];
        var steps = new List<(string, double)>
        {
            (
                "deserialize the snapshot (System.Text.Json)",
                Time(() => snapshots = [.. json.Select(SlaJson.DeserializeSnapshot)])
            ),
            (
                "restore: rebuild the timeline from the events",
                Time(() => restored = [.. snapshots.Select(s => TicketSla.Restore(policy, s))])
            ),
            (
                "fire what is due (computes the threshold schedule on the calendar)",
                Time(() => fired = [.. restored.Select(s => s.FireDue(now))])
            ),
            ("projection columns (status as of now)", Time(() => _ = fired.Select(f => f.Sla.StatusAt(now)).ToList())),
            (
                "serialize the snapshot",
                Time(() => _ = fired.Select(f => SlaJson.Serialize(f.Sla.ToSnapshot())).ToList())
            ),
            (
                "notification payloads and audit detail (JSON)",
                Time(() =>
                    _ = fired
                        .Select(f =>
                            f.Fired.Select(n =>
                                    JsonSerializer.Serialize(NotificationMessage.From(ticket, n), SlaJson.Options)
                                )
                                .Count() + JsonSerializer.Serialize(f.Fired, SlaJson.Options).Length
                        )
                        .Sum()
                )
            ),
        };
        return steps;

        double Time(Action action)
        {
            var passes = new List<double>();
            for (var pass = 0; pass < 20; pass++)
            {
                var watch = Stopwatch.StartNew();
                action();
                passes.Add(watch.Elapsed.TotalMicroseconds / json.Count);
            }

            return Report.Percentile(passes, 0.5);
        }
    }

    private static Func<Task<int>> Claims(PollingEngine engine) => async () => (await engine.PollOnceAsync()).Claimed;

    private sealed record Drain(long Claimed, double Seconds, double CpuSeconds, long AllocatedBytes);
}

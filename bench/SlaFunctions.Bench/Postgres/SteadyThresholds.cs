using System.Globalization;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Bench.Postgres;

/// <summary>
/// Thresholds falling due at a steady rate on a running clock: <see cref="Count"/> tickets of one tenant on
/// <see cref="Calendar"/> and <see cref="Policy"/>, started through the service before the first falls due and
/// backdated so that each one's 50% response threshold falls due at its slot, one every <see cref="Interval"/> from
/// <see cref="First"/>, as for a ticket created 20 minutes earlier.
/// </summary>
internal sealed class SteadyThresholds
{
    public const string Calendar = """{ "timeZone": "UTC", "is24x7": true }""";

    /// <summary>
    /// The 50% response threshold falls due 20 minutes after creation; the next one 10 minutes later, after the run.
    /// </summary>
    public const string Policy =
        """{ "calendar": "main", "targets": { "P1": { "responseMinutes": 40, "resolutionMinutes": 480 } } }""";

    private static readonly Duration ToThreshold = Duration.FromMinutes(20);

    private readonly string tenantId;

    private SteadyThresholds(string tenantId, Instant first, Duration interval, int count)
    {
        this.tenantId = tenantId;
        First = first;
        Interval = interval;
        Count = count;
    }

    public Instant First { get; }

    public Duration Interval { get; }

    public int Count { get; }

    public Instant Last => DueAt(Count - 1);

    /// <summary><paramref name="perMinute"/> a minute for <paramref name="window"/>, the first <paramref name="lead"/> from now.</summary>
    public static SteadyThresholds Plan(IClock clock, string tenantId, Duration lead, Duration window, int perMinute)
    {
        var count = (int)(perMinute * window.TotalMinutes);
        // Whole seconds: instants are stored to the microsecond.
        var first = Instant.FromUnixTimeSeconds(clock.GetCurrentInstant().ToUnixTimeSeconds()) + lead;
        return new SteadyThresholds(tenantId, first, window / count, count);
    }

    public Instant DueAt(int i) => First + Interval * i;

    public Task StartAsync(PostgresSlaService service) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, Count),
            new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, cancellationToken) =>
                await service.StartAsync(
                    new TicketKey(tenantId, Ticket(i)),
                    new StartRequest("P1", BenchDatabase.PolicyId, DueAt(i) - ToThreshold),
                    cancellationToken
                )
        );

    /// <summary>
    /// Waits until every threshold due by <paramref name="until"/> has fired, or one of the tenant's tickets is
    /// overdue by <paramref name="stall"/>: then the engine has stalled. Returns how many were overdue.
    /// </summary>
    public async Task<long> WaitFiredAsync(BenchDatabase database, Instant until, Duration stall)
    {
        var due = Enumerable.Range(0, Count).Count(i => DueAt(i) <= until);
        var clock = database.Clock;
        while (
            await database.ScalarAsync(
                "select count(*) from notifications where tenant_id = $1 and due_at <= $2",
                tenantId,
                until
            ) < due
            && clock.GetCurrentInstant() < until + stall
        )
        {
            var overdue = await database.ScalarAsync(
                "select count(*) from ticket_slas where tenant_id = $1 and next_wake_at < $2",
                tenantId,
                clock.GetCurrentInstant() - stall
            );
            if (overdue > 0)
            {
                return overdue;
            }

            await Task.Delay(500);
        }

        return 0;
    }

    /// <summary>
    /// fired_at - due_at in milliseconds of every notification that is the 50% response threshold of its ticket's slot.
    /// </summary>
    public async Task<List<(Instant DueAt, double Lateness)>> LatenessAsync(BenchDatabase database)
    {
        await using var command = database.DataSource.CreateCommand(
            "select ticket_id, phase, kind, percent, due_at, fired_at from notifications where tenant_id = $1"
        );
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tenantId });
        await using var reader = await command.ExecuteReaderAsync();
        var lateness = new List<(Instant, double)>();
        while (await reader.ReadAsync())
        {
            var i = int.Parse(reader.GetString(0)[2..], CultureInfo.InvariantCulture);
            var dueAt = reader.GetFieldValue<Instant>(4);
            if (
                reader.GetString(1) == "response"
                && reader.GetString(2) == "warning"
                && reader.GetDecimal(3) == 50m
                && dueAt == DueAt(i)
            )
            {
                lateness.Add((dueAt, (reader.GetFieldValue<Instant>(5) - dueAt).TotalMilliseconds));
            }
        }

        return lateness;
    }

    private static string Ticket(int i) => $"L-{i:D5}";
}

using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Bench.Postgres;

/// <summary>
/// The tickets of the polling benchmark, on a New York weekday calendar with holidays. The due tickets are
/// P1 tickets created on Wednesday 10 June 2026 shortly after opening, with small histories; each round
/// moves the clock to the instant at which every one of them has its next response threshold due. The idle
/// tickets are P3/P4 tickets of the days before, whose next threshold is days away.
/// </summary>
internal static class PollingScenario
{
    public const string Calendar = """
        { "timeZone": "America/New_York", "hours": [
            { "day": "Monday", "start": "09:00", "end": "17:00" }, { "day": "Tuesday", "start": "09:00", "end": "17:00" },
            { "day": "Wednesday", "start": "09:00", "end": "17:00" }, { "day": "Thursday", "start": "09:00", "end": "17:00" },
            { "day": "Friday", "start": "09:00", "end": "17:00" } ],
          "holidays": [
            { "date": "2026-01-01", "recurring": true, "name": "New Year" }, { "date": "2026-05-25", "name": "Memorial Day" },
            { "date": "2026-07-04", "recurring": true, "name": "Independence Day" }, { "date": "2026-09-07", "name": "Labor Day" },
            { "date": "2026-11-26", "name": "Thanksgiving" }, { "date": "2026-12-25", "recurring": true, "name": "Christmas" } ] }
        """;

    public const string Policy = """
        { "calendar": "main", "targets": {
            "P1": { "responseMinutes": 60, "resolutionMinutes": 480, "escalations": [70, 90, 110] },
            "P2": { "responseMinutes": 240, "resolutionMinutes": 1440 },
            "P3": { "responseMinutes": 480, "resolutionMinutes": 4800 },
            "P4": { "resolutionMinutes": 9600 } },
          "thresholds": [50, 75, 90, 100],
          "pauseStatuses": ["awaiting_client", "on_hold"] }
        """;

    private static readonly Instant Opening = Instant.FromUtc(2026, 6, 10, 13, 0); // 09:00 in New York

    public static SlaPolicy Compile(int version) =>
        new PolicyDefinition(new PolicyRef(BenchDatabase.PolicyId, version), Policy, Calendar).Compile();

    /// <summary>
    /// Twenty P1 tickets a few seconds apart: some plain, some paused a minute by a status, some by an explicit pause.
    /// </summary>
    public static List<SlaRow> Due(SlaPolicy policy) =>
        [
            .. Enumerable
                .Range(0, 20)
                .Select(k =>
                {
                    var created = Opening + Duration.FromMinutes(5) + Duration.FromSeconds(4 * k);
                    var m = (int minutes) => created + Duration.FromMinutes(minutes);
                    TicketEvent[] history = (k % 3) switch
                    {
                        0 =>
                        [
                            new TicketCreated(created, "P1") { Id = $"evt-{k}-1" },
                            new TicketStatusChanged(m(1), "in_progress") { Id = $"evt-{k}-2" },
                        ],
                        1 =>
                        [
                            new TicketCreated(created, "P1") { Id = $"evt-{k}-1" },
                            new TicketStatusChanged(m(1), "awaiting_client") { Id = $"evt-{k}-2" },
                            new TicketStatusChanged(m(2), "in_progress") { Id = $"evt-{k}-3" },
                        ],
                        _ =>
                        [
                            new TicketCreated(created, "P1") { Id = $"evt-{k}-1" },
                            new TicketPaused(m(1), "vendor") { Id = $"evt-{k}-2" },
                            new TicketResumed(m(2), "vendor") { Id = $"evt-{k}-3" },
                            new TicketStatusChanged(m(3), "in_progress") { Id = $"evt-{k}-4" },
                        ],
                    };
                    return SlaRow.Build(policy, m(5), history);
                }),
        ];

    /// <summary>Twenty P3/P4 tickets of the two days before, responded to or waiting on their resolution.</summary>
    public static List<SlaRow> Idle(SlaPolicy policy) =>
        [
            .. Enumerable
                .Range(0, 20)
                .Select(j =>
                {
                    var created = Opening - Duration.FromHours(1) - Duration.FromMinutes(137 * j);
                    var m = (int minutes) => created + Duration.FromMinutes(minutes);
                    TicketEvent[] history = (j % 4) switch
                    {
                        0 => [new TicketCreated(created, "P4") { Id = $"idle-{j}-1" }],
                        1 =>
                        [
                            new TicketCreated(created, "P3") { Id = $"idle-{j}-1" },
                            new TicketStatusChanged(m(10), "awaiting_client") { Id = $"idle-{j}-2" },
                            new TicketStatusChanged(m(40), "in_progress") { Id = $"idle-{j}-3" },
                            new TicketResponded(m(45)) { Id = $"idle-{j}-4" },
                        ],
                        2 =>
                        [
                            new TicketCreated(created, "P3") { Id = $"idle-{j}-1" },
                            new TicketResponded(m(20)) { Id = $"idle-{j}-2" },
                        ],
                        _ =>
                        [
                            new TicketCreated(created, "P3") { Id = $"idle-{j}-1" },
                            new TicketResponded(m(15)) { Id = $"idle-{j}-2" },
                            new TicketPriorityChanged(m(50), "P4") { Id = $"idle-{j}-3" },
                        ],
                    };
                    return SlaRow.Build(policy, Opening, history);
                }),
        ];

    /// <summary>
    /// Loads <paramref name="tracked"/> tickets by COPY, of which <paramref name="dueRows"/>, spread evenly
    /// through the table, are the due tickets (due in every round) and the others idle tickets with a wake-up
    /// 1 to 31 days after the last round. An idle row's wake-up is spread per row rather than its template's
    /// own (which is also after the last round), so that the index holds as many distinct instants as a real
    /// one would. Returns the due templates and the rounds.
    /// </summary>
    public static async Task<(List<SlaRow> Due, List<Round> Rounds)> SeedAsync(
        BenchDatabase database,
        int tracked,
        int dueRows,
        int roundCount
    )
    {
        var policy = Compile(database.PolicyVersion);
        var due = Due(policy);
        var idle = Idle(policy);
        var rounds = Rounds(due, roundCount);
        var idleFrom = rounds[^1].At + Duration.FromDays(1);
        if (idle.Any(t => t.Sla.NextWakeAt is not { } wake || wake <= idleFrom))
        {
            throw new InvalidOperationException("An idle ticket would fall due during the rounds.");
        }

        var step = tracked / dueRows;
        await TicketLoader.CopyAsync(
            database,
            tracked,
            i =>
                i % step == 0
                    ? (due[i / step % due.Count], due[i / step % due.Count].Sla.NextWakeAt!.Value)
                    : (idle[i % idle.Count], idleFrom + Duration.FromSeconds(30L * 86_400 * i / tracked))
        );
        return (due, rounds);
    }

    /// <summary>
    /// Each round's clock: the latest next wake-up among the due tickets, so that every due ticket is due in
    /// every round; and how many notifications each due template fires in it.
    /// </summary>
    public static List<Round> Rounds(IEnumerable<SlaRow> due, int count)
    {
        var slas = due.Select(t => t.Sla).ToArray();
        var rounds = new List<Round>();
        for (var r = 0; r < count; r++)
        {
            var at = slas.Max(s =>
                s.NextWakeAt ?? throw new InvalidOperationException("A due ticket ran out of thresholds.")
            );
            var fired = new int[slas.Length];
            for (var k = 0; k < slas.Length; k++)
            {
                var firing = slas[k].FireDue(at);
                fired[k] = firing.Fired.Length;
                slas[k] = firing.Sla;
            }

            rounds.Add(new Round(at, fired));
        }

        return rounds;
    }
}

/// <param name="At">The engine's clock in this round.</param>
/// <param name="Fired">Notifications each due template fires in this round.</param>
internal sealed record Round(Instant At, int[] Fired);

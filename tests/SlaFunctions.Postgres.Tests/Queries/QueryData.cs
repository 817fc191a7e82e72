using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Queries;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Postgres.Tests.Queries;

/// <summary>
/// Two tenants with the same ticket ids, their tickets driven through the service event by event on a clock
/// that follows the events, to outcomes of every kind; and for each ticket what <c>simulate</c> says of the same
/// history as of <see cref="Now"/>, from which the tests compute their expectations on their own.
/// </summary>
public sealed class QueryData : IAsyncLifetime
{
    // Monday 2026-06-08 09:00 in New York; the calendar is open 09:00-17:00 on weekdays.
    public static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");

    /// <summary>Monday 16:00: late enough that a phase due on Tuesday morning has little business time left.</summary>
    public static readonly Instant Now = Monday9 + Duration.FromHours(7);

    public const string OtherPolicy = """
        { "calendar": "ny", "targets": { "Low": { "responseMinutes": 30, "resolutionMinutes": 60 } } }
        """;

    private readonly DatabaseFixture database = new();

    public SlaHarness Sla { get; private set; } = null!;

    public SlaQueries Queries { get; private set; } = null!;

    public string Tenant { get; private set; } = null!;

    public string Other { get; private set; } = null!;

    public SlaPolicy Policy { get; private set; } = null!;

    public ImmutableArray<Ticket> Tickets { get; private set; }

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Sla = new SlaHarness(database.DataSource, Monday9 - Duration.FromHours(1));
        Queries = new SlaQueries(database.DataSource, Sla.Policies);
        Tenant = await Sla.NewTenantAsync();
        Other = await Sla.NewTenantAsync(policy: OtherPolicy);
        Policy = await Sla.Policies.GetAsync(Tenant, new PolicyRef("standard", 1));
        Tickets =
        [
            Make("T-01", "P1", 0, "c1", "b1", (30, Responded), (300, Resolved)),
            Make("T-02", "P1", 0, "c1", "b1", (90, Responded)),
            Make("T-03", "P1", 10, "c2", null),
            Make("T-04", "P2", 300, "c1", "b2"),
            Make("T-05", "P2", 20, "c2", "b2", (40, m => new TicketStatusChanged(m, "awaiting_client"))),
            Make("T-06", "P1", 30, null, "b1", (50, m => new TicketCancelled(m))),
            Make("T-07", "P2", 100, "c1", null, (110, Responded)),
            Make("T-08", "P1", 5, "c2", "b1", (20, Responded), (50, Resolved), (60, m => new TicketReopened(m))),
            Make("T-09", "P1", 1, "c2", "b2", (65, Responded), (70, Resolved)),
            Make("T-10", "P2", 115, "c1", "b1"),
            Make("T-11", "P2", 200, null, null, (210, m => new TicketPriorityChanged(m, "P1"))),
            Make("T-12", "P1", 2, "c1", "b2", (45, Responded), (400, m => new TicketCancelled(m))),
        ];
        var others = Tickets.Select(t => Make(t.Id, "Low", t.CreatedMinute, "c1", "b1")).ToList();

        foreach (
            var (tenant, ticket, e) in Tickets
                .SelectMany(t => t.History.Select(e => (Tenant, t, e)))
                .Concat(others.SelectMany(t => t.History.Select(e => (Other, t, e))))
                .OrderBy(x => x.e.At)
        )
        {
            Sla.Clock.Reset(e.At);
            var key = new TicketKey(tenant, ticket.Id);
            if (e is TicketCreated created)
            {
                await Sla.Service.StartAsync(
                    key,
                    new StartRequest(created.Priority, ClientId: ticket.ClientId, BoardId: ticket.BoardId)
                );
            }
            else
            {
                await Sla.Service.ApplyAsync(key, e);
            }
        }

        Sla.Clock.Reset(Now);
        Tickets =
        [
            .. Tickets.Select(t => t with { Simulated = ScenarioRunner.Run(new Scenario(Policy, t.History, Now)) }),
        ];
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    private static TicketResponded Responded(Instant at) => new TicketResponded(at);

    private static TicketResolved Resolved(Instant at) => new TicketResolved(at);

    private static Ticket Make(
        string id,
        string priority,
        int createdMinute,
        string? client,
        string? board,
        params (int Minute, Func<Instant, TicketEvent> Event)[] events
    ) =>
        new(
            id,
            priority,
            createdMinute,
            client,
            board,
            [
                new TicketCreated(Monday9 + Duration.FromMinutes(createdMinute), priority),
                .. events.Select(e => e.Event(Monday9 + Duration.FromMinutes(e.Minute))),
            ]
        );

    /// <summary>A ticket's history and what simulate says of it as of <see cref="Now"/>.</summary>
    public sealed record Ticket(
        string Id,
        string Priority,
        int CreatedMinute,
        string? ClientId,
        string? BoardId,
        ImmutableArray<TicketEvent> History
    )
    {
        public SlaStatus Simulated { get; init; } = null!;

        public Instant CreatedAt => History[0].At;

        public Instant? CancelledAt => History.OfType<TicketCancelled>().FirstOrDefault()?.At;

        public string CurrentPriority => Simulated.Priority;

        public PhaseStatus? Response => Simulated.Phases.FirstOrDefault(p => p.Phase == SlaPhase.Response);

        public PhaseStatus? Resolution => Simulated.Phases.LastOrDefault(p => p.Phase == SlaPhase.Resolution);

        public IEnumerable<PhaseStatus> Current => new[] { Response, Resolution }.OfType<PhaseStatus>();

        /// <summary>The earliest due instant of a phase neither completed nor cancelled.</summary>
        public Instant? DueAt =>
            Current
                .Where(p => p.CompletedAt is null && CancelledAt is null)
                .Select(p => p.DueAt)
                .Where(d => d is not null)
                .Min();
    }
}

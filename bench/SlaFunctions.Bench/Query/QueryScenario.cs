using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Bench.Query;

/// <summary>
/// One tenant's worth of tickets for the query benchmark, on the polling benchmark's New York calendar and
/// policy: created over the 45 days before <see cref="Now"/> (three in ten in the last two) with a mix of priorities,
/// most answered and older
/// ones mostly resolved (some late), some waiting on the client, some cancelled, the youngest still open. Every
/// tenant gets the same histories under the same ticket ids, so the tenants also prove nothing crosses.
/// </summary>
internal static class QueryScenario
{
    /// <summary>Tuesday 1 December 2026, 10:00 in New York.</summary>
    public static readonly Instant Now = Instant.FromUtc(2026, 12, 1, 15, 0);

    public static List<(TicketSla Sla, Instant UpdatedAt)> Build(SlaPolicy policy, int count)
    {
        var random = new Random(12);
        var tickets = new List<(TicketSla, Instant)>(count);
        for (var i = 0; i < count; i++)
        {
            // A help desk's open work is mostly recent: three tickets in ten are from the last two days.
            var created = Now - Duration.FromMinutes(random.Next(1, (random.Next(10) < 3 ? 2 : 45) * 24 * 60));
            var roll = random.Next(100);
            var priority =
                roll < 10 ? "P1"
                : roll < 40 ? "P2"
                : roll < 80 ? "P3"
                : "P4";
            var events = new List<TicketEvent> { new TicketCreated(created, priority) };
            var at = created;
            void Add(Func<Instant, TicketEvent> e, double meanMinutes)
            {
                var next = at + Duration.FromMinutes(1 + (int)(-meanMinutes * Math.Log(1 - random.NextDouble())));
                if (next < Now)
                {
                    at = next;
                    events.Add(e(next));
                }
            }

            var fate = random.Next(100);
            if (fate < 8)
            {
                Add(t => new TicketStatusChanged(t, "awaiting_client"), 120);
            }
            else if (fate < 13)
            {
                Add(t => new TicketCancelled(t), 600);
            }
            else
            {
                if (priority != "P4")
                {
                    Add(t => new TicketResponded(t), priority == "P1" ? 60 : 360);
                }

                if (fate < 85)
                {
                    Add(t => new TicketResolved(t), 3 * 24 * 60);
                }
            }

            var sla = TicketSla.Start(policy, (TicketCreated)events[0]);
            foreach (var e in events.Skip(1))
            {
                sla = sla.Apply(e).Sla;
            }

            tickets.Add((sla.FireDue(Now).Sla, at));
        }

        return tickets;
    }
}

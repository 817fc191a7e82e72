using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Postgres.Tests.Rollouts;

/// <summary>Open tickets with varied histories for a rollout to look at.</summary>
internal static class RandomTickets
{
    /// <summary>
    /// Version 2 of the standard policy: a P1 response in 30 minutes, P2 in 8 hours, other thresholds, and on_hold
    /// pausing too.
    /// </summary>
    public const string Version2 = """
        { "calendar": "ny", "targets": {
            "P1": { "responseMinutes": 30, "resolutionMinutes": 240, "escalations": [80] },
            "P2": { "responseMinutes": 480, "resolutionMinutes": 1440 } },
          "thresholds": [60, 100], "pauseStatuses": ["awaiting_client", "on_hold"] }
        """;

    /// <summary>
    /// A ticket started at <paramref name="start"/> with a few random commands over the next two hours; the harness's
    /// clock is moved on to the last of them.
    /// </summary>
    public static async Task StartAsync(SlaHarness sla, TicketKey ticket, Random random, Instant start)
    {
        var harness = new SlaHarness(sla.DataSource, start);
        await harness.Service.StartAsync(ticket, new StartRequest(random.Next(2) == 0 ? "P1" : "P2"));
        var at = start;
        for (var n = random.Next(0, 6); n > 0; n--)
        {
            at += Duration.FromMinutes(random.Next(1, 25));
            harness.Clock.Reset(at);
            TicketEvent e = random.Next(6) switch
            {
                0 => new TicketStatusChanged(at, "awaiting_client"),
                1 => new TicketStatusChanged(at, random.Next(2) == 0 ? "on_hold" : "open"),
                2 => new TicketResponded(at),
                3 => new TicketPriorityChanged(at, random.Next(2) == 0 ? "P1" : "P2"),
                4 => new TicketResolved(at),
                _ => new TicketPaused(at, "vendor"),
            };
            await harness.Service.ApplyAsync(ticket, e);
        }

        if (sla.Clock.GetCurrentInstant() < at)
        {
            sla.Clock.Reset(at);
        }
    }
}

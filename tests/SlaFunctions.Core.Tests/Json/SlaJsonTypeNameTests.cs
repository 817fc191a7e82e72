using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Tests.Json;

/// <summary>An event's type name (the audit's action for it) is the discriminator its JSON carries.</summary>
public class SlaJsonTypeNameTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 6, 8, 13, 0);

    public static TheoryData<TicketEvent> Events =>
        [
            new TicketCreated(At, "P1"),
            new TicketStatusChanged(At, "open"),
            new TicketPaused(At, "awaiting_client"),
            new TicketResumed(At, "client_replied"),
            new TicketResponded(At),
            new TicketResolved(At),
            new TicketReopened(At),
            new TicketPriorityChanged(At, "P2"),
            new TicketCancelled(At),
        ];

    [Theory]
    [MemberData(nameof(Events))]
    public void Is_the_type_the_snapshot_json_writes(TicketEvent e)
    {
        var written = JsonSerializer
            .SerializeToElement<TicketEvent>(e, SlaJson.Options)
            .GetProperty("type")
            .GetString();

        Assert.Equal(written, SlaJson.TypeName(e));
    }
}

using NodaTime;
using SlaFunctions.Core.Ingestion;

namespace SlaFunctions.Core.Tests.Ingestion;

public class ParkingOrderTests
{
    [Fact]
    public void Parked_events_go_by_occurrence_and_events_of_one_instant_by_arrival()
    {
        var at = Instant.FromUtc(2026, 3, 9, 14, 0);
        (string Id, Instant OccurredAt)[] arrivals =
        [
            ("late", at + Duration.FromMinutes(5)),
            ("tie-first", at),
            ("early", at - Duration.FromMinutes(5)),
            ("tie-second", at),
        ];

        var ordered = ParkingOrder.InOrder(arrivals, a => a.OccurredAt);

        Assert.Equal(["early", "tie-first", "tie-second", "late"], ordered.Select(a => a.Id));
    }
}

using System.Collections.Immutable;
using NodaTime;

namespace SlaFunctions.Core.Ingestion;

/// <summary>
/// The order in which a ticket that starts takes what was parked under its keys, on both backends: by the
/// events' occurrence, then by their arrival.
/// </summary>
public static class ParkingOrder
{
    /// <param name="arrivals">The parked events in the order they arrived.</param>
    public static ImmutableArray<T> InOrder<T>(IEnumerable<T> arrivals, Func<T, Instant> occurredAt) =>
        [.. arrivals.OrderBy(occurredAt)]; // OrderBy is stable: equal instants keep their arrival order
}

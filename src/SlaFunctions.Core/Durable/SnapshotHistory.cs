using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Durable;

/// <summary>Compares two snapshots of one ticket by their history: the events and the fired notifications.</summary>
public static class SnapshotHistory
{
    /// <summary>
    /// Whether <paramref name="newer"/> holds everything <paramref name="older"/> does (every event, as often,
    /// and every fired slot), under the same policy version. An SLA's history only grows, so a snapshot that
    /// does not cover the stored one is a late or repeated write and must not replace it.
    /// </summary>
    public static bool Covers(SlaSnapshot newer, SlaSnapshot older)
    {
        ArgumentNullException.ThrowIfNull(newer);
        ArgumentNullException.ThrowIfNull(older);
        if (newer.Policy != older.Policy)
        {
            return false;
        }

        var events = new Dictionary<TicketEvent, int>();
        foreach (var e in newer.Events)
        {
            events[e] = events.GetValueOrDefault(e) + 1;
        }

        foreach (var e in older.Events)
        {
            if (events.GetValueOrDefault(e) == 0)
            {
                return false;
            }

            events[e]--;
        }

        var slots = (newer.Fired.IsDefault ? [] : newer.Fired).Select(f => f.Slot).ToHashSet();
        return (older.Fired.IsDefault ? [] : older.Fired).All(f => slots.Contains(f.Slot));
    }

    /// <summary>Whether both hold the same history.</summary>
    public static bool Same(SlaSnapshot a, SlaSnapshot b) => Covers(a, b) && Covers(b, a);

    /// <summary>Whether the history holds this event (by value: instant, id and fields).</summary>
    public static bool Contains(SlaSnapshot snapshot, TicketEvent e)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Events.Contains(e);
    }
}

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// Compares two snapshots of one ticket by their history: the events and the fired notifications. A snapshot's
/// checkpoint stands for every event before its instant (docs/decisions/0007), so a compacted snapshot holds an
/// event it no longer lists when the event is dated before its checkpoint and was counted into it.
/// </summary>
public static class SnapshotHistory
{
    /// <summary>
    /// Whether <paramref name="newer"/> holds everything <paramref name="older"/> does, under the same policy
    /// version: a checkpoint at or after the older one's that folded at least as many events as the older history
    /// has before it, every older event from that checkpoint on (as often), and every fired slot. An SLA's history
    /// only grows and its checkpoint only moves later, so a snapshot that does not cover the stored one is a late
    /// or repeated write and must not replace it.
    /// </summary>
    public static bool Covers(SlaSnapshot newer, SlaSnapshot older)
    {
        ArgumentNullException.ThrowIfNull(newer);
        ArgumentNullException.ThrowIfNull(older);
        if (
            newer.Policy != older.Policy
            || (older.Checkpoint is { } was && (newer.Checkpoint is not { } now || now.At < was.At))
        )
        {
            return false;
        }

        var olderEvents = older.Events.IsDefault ? [] : older.Events;
        var kept = olderEvents;
        if (newer.Checkpoint is { } checkpoint)
        {
            kept = [.. olderEvents.Where(e => e.At >= checkpoint.At)];
            // The creation is never counted as compacted; it is the first event of an uncompacted history.
            var foldedBefore = olderEvents.Length - kept.Length - (older.Checkpoint is null ? 1 : 0);
            if ((older.Checkpoint?.CompactedEvents ?? 0) + foldedBefore > checkpoint.CompactedEvents)
            {
                return false;
            }
        }

        var events = new Dictionary<TicketEvent, int>();
        foreach (var e in newer.Events.IsDefault ? [] : newer.Events)
        {
            events[e] = events.GetValueOrDefault(e) + 1;
        }

        foreach (var e in kept)
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

    /// <summary>Whether both hold the same history, folded up to the same checkpoint.</summary>
    public static bool Same(SlaSnapshot a, SlaSnapshot b) => Covers(a, b) && Covers(b, a);

    /// <summary>
    /// Whether the history holds this event (by value: instant, id and fields), listed or, dated before the
    /// checkpoint, folded into it. An event before the checkpoint that never reached the history is refused from
    /// then on, so taking it for held loses nothing a delivery could still add.
    /// </summary>
    public static bool Contains(SlaSnapshot snapshot, TicketEvent e)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(e);
        return (snapshot.Checkpoint is { } checkpoint && e.At < checkpoint.At) || snapshot.Events.Contains(e);
    }
}

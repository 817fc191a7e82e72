using NodaTime;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Core.Tests.Workflow;

/// <summary>What the Function App's activities do against PostgreSQL, in memory.</summary>
public sealed class FakeSlaStore(SlaSnapshot snapshot)
{
    private readonly Dictionary<NotificationSlot, FiredNotification> stored = [];

    public SlaSnapshot Snapshot { get; private set; } = snapshot;

    public List<SignalRecord> Audit { get; } = [];

    public List<FiredNotification> Published { get; } = [];

    public int Persist(PersistSlaRequest request)
    {
        Snapshot = request.Snapshot;
        if (request.Signal is { } signal)
        {
            Audit.Add(signal);
        }

        return request.Fired.Count(f => stored.TryAdd(f.Slot, f));
    }

    public int Publish(PublishNotificationsRequest request)
    {
        Published.AddRange(request.Notifications);
        return request.Notifications.Length;
    }
}

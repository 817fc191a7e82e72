using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SlaFunctions.Core.Diagnostics;

/// <summary>
/// The service's traces and metrics, under the name "SlaFunctions"; hosts export them with OpenTelemetry
/// by configuration.
/// </summary>
public static class SlaTelemetry
{
    public const string Name = "SlaFunctions";

    public static readonly ActivitySource Traces = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>How far behind its earliest due wake-up the engine was when it claimed a batch.</summary>
    public static readonly Histogram<double> EngineLag = Meter.CreateHistogram<double>(
        "sla.engine.lag",
        "ms",
        "Delay between a wake-up falling due and its processing."
    );

    public static readonly Counter<long> WakeupsProcessed = Meter.CreateCounter<long>(
        "sla.engine.wakeups",
        "{wakeup}",
        "Due tickets processed by the engine."
    );

    public static readonly Counter<long> NotificationsFired = Meter.CreateCounter<long>(
        "sla.notifications.fired",
        "{notification}",
        "Notifications fired."
    );

    public static readonly Counter<long> NotificationsPublished = Meter.CreateCounter<long>(
        "sla.notifications.published",
        "{notification}",
        "Notifications published to a sink (tag: sink)."
    );

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "sla.deadletters",
        "{event}",
        "Inputs dead-lettered (tag: reason)."
    );
}

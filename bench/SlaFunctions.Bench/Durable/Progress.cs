using System.Diagnostics;
using System.Globalization;
using NodaTime;
using SlaFunctions.Testing.Engine;

namespace SlaFunctions.Bench.Durable;

/// <summary>Tickets started and notifications published so far on both engines, printed every few seconds.</summary>
internal sealed class Progress(int tickets, int notifications, PublishedMessages durable, PublishedMessages polling)
{
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private int durableStarted;
    private int pollingStarted;
    private int lastPublished;
    private TimeSpan lastChange;

    public int DurablePublished => durable.Sent.Count;

    public int PollingPublished => polling.Sent.Count;

    /// <summary>How long since either engine last published.</summary>
    public Duration QuietFor
    {
        get
        {
            var published = DurablePublished + PollingPublished;
            if (published != Interlocked.Exchange(ref lastPublished, published))
            {
                lastChange = watch.Elapsed;
            }

            return Duration.FromTimeSpan(watch.Elapsed - lastChange);
        }
    }

    public void DurableStarted() => Interlocked.Increment(ref durableStarted);

    public void PollingStarted() => Interlocked.Increment(ref pollingStarted);

    public async Task ReportAsync(Duration every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every.ToTimeSpan());
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var started = (Durable: Volatile.Read(ref durableStarted), Polling: Volatile.Read(ref pollingStarted));
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {watch.Elapsed.TotalSeconds, 4:F0} s: started {started.Durable:N0} + {started.Polling:N0} of {tickets:N0} each; "
                        + $"published {DurablePublished:N0} (durable) and {PollingPublished:N0} (polling) of {notifications:N0} each"
                )
            );
        }
    }
}

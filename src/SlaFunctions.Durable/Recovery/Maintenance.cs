using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NodaTime;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Polling;

namespace SlaFunctions.Durable.Recovery;

/// <summary>
/// One run of the minute timer, within <see cref="Budget"/>: the polling engine until nothing is due (tickets on
/// the polling backend, and durable tickets moved there), the outbox (notifications of polling tickets, of
/// starts in the past, and whatever a publish activity did not send), parked events past their window
/// (the polling backend's table), the rollouts that are due, and, on the durable backend, the reconciler. A step that fails is logged and
/// the next one still runs.
/// </summary>
public sealed class Maintenance(
    PollingEngine engine,
    PollingOptions polling,
    OutboxDispatcher dispatcher,
    DispatchOptions dispatch,
    PostgresParking parking,
    Reconciler reconciler,
    IRolloutRuns rollouts,
    DurableBackend backend,
    IClock clock,
    ILogger<Maintenance> logger
)
{
    /// <summary>Under the minute between runs, so runs do not queue up behind each other.</summary>
    public static Duration Budget { get; } = Duration.FromSeconds(50);

    /// <summary>A run with the invocation's Durable client; the reconciler runs only on the durable backend.</summary>
    public Task RunAsync(DurableTaskClient client, CancellationToken cancellationToken) =>
        RunAsync(
            backend.IsDurable ? DurableBackend.Instances(client) : null,
            backend.RolloutDelivery(client),
            cancellationToken
        );

    public async Task RunAsync(
        DurableInstances? instances,
        IRolloutDelivery? rolloutDelivery,
        CancellationToken cancellationToken
    )
    {
        var deadline = clock.GetCurrentInstant() + Budget;
        await StepAsync(
            "polling",
            async () =>
            {
                PollResult result;
                do
                {
                    result = await engine.PollOnceAsync(cancellationToken);
                } while (result.Claimed == polling.BatchSize && clock.GetCurrentInstant() < deadline);
            }
        );
        await StepAsync(
            "outbox",
            async () =>
            {
                while (
                    await dispatcher.DispatchOnceAsync(cancellationToken) == dispatch.BatchSize
                    && clock.GetCurrentInstant() < deadline
                ) { }
            }
        );
        await StepAsync("parking", () => parking.ExpireParkedAsync(cancellationToken));
        await StepAsync(
            "rollouts",
            async () =>
            {
                while (
                    await rollouts.ApplyBatchAsync(rolloutDelivery, cancellationToken) > 0
                    && clock.GetCurrentInstant() < deadline
                ) { }
            }
        );
        if (instances is not null)
        {
            await StepAsync("reconciler", () => reconciler.RunAsync(instances, cancellationToken));
        }

        async Task StepAsync(string step, Func<Task> run)
        {
            try
            {
                await run();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogError(e, "The maintenance step {Step} failed; it runs again in a minute", step);
            }
        }
    }
}

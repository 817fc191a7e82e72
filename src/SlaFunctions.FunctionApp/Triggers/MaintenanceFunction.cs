using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SlaFunctions.Durable.Recovery;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>Every minute, on one instance of the app at a time (the timer's lease); never at start-up.</summary>
public sealed class MaintenanceFunction(Maintenance maintenance)
{
    [Function("Maintenance")]
    public Task Run(
        [TimerTrigger("0 */1 * * * *", RunOnStartup = false)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken
    ) => maintenance.RunAsync(client, cancellationToken);
}

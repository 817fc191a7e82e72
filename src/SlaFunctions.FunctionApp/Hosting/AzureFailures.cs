using Azure;
using Azure.Messaging.ServiceBus;
using SlaFunctions.Durable;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>
/// The Function App's Azure SDKs in the durable backend's <see cref="TransientFailures"/>: the broker and Azure's REST
/// services.
/// </summary>
public static class AzureFailures
{
    public static TransientFailures Classifier { get; } = new(Rule);

    public static bool IsTransient(Exception exception) => Classifier.IsTransient(exception);

    public static bool? Rule(Exception failure) =>
        failure switch
        {
            ServiceBusException bus => bus.IsTransient,
            RequestFailedException request => request.Status is 0 or 408 or 429 or >= 500,
            _ => null,
        };
}

using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using SlaFunctions.Testing.Engine;

namespace SlaFunctions.DurableWorker;

/// <summary>
/// The notifications topic of a worker that is to be killed: every message sent is a line of the journal, written
/// before the send returns; a retraction is refused (a transient failure), so that the publish activity that carries
/// it is still retrying when the process dies.
/// </summary>
internal sealed class JournalTopic(string path) : ServiceBusSender
{
    private readonly Lock gate = new();

    public override Task SendMessagesAsync(
        IEnumerable<ServiceBusMessage> messages,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(messages);
        var batch = messages.ToList();
        lock (gate)
        {
            var refused = batch
                .Where(m => (string?)JsonNode.Parse(m.Body.ToString())!["kind"] == "retraction")
                .ToList();
            if (refused.Count > 0)
            {
                File.AppendAllLines(path, refused.Select(m => WorkerJournal.RefusedLine(m.MessageId)));
                throw new ServiceBusException("a retraction, refused by the test", ServiceBusFailureReason.ServiceBusy);
            }

            File.AppendAllLines(path, batch.Select(m => WorkerJournal.SentLine(m.MessageId, m.Body.ToString())));
        }

        return Task.CompletedTask;
    }

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default) =>
        SendMessagesAsync([message], cancellationToken);

    public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}

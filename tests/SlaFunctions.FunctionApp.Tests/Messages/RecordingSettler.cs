using SlaFunctions.Durable.Messages;
using SlaFunctions.FunctionApp.Triggers;

namespace SlaFunctions.FunctionApp.Tests.Messages;

/// <summary>The settlement port, recording the one settlement of a message.</summary>
public sealed class RecordingSettler : IMessageSettler
{
    public List<string> Calls { get; } = [];

    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        Calls.Add("complete");
        return Task.CompletedTask;
    }

    public Task AbandonAsync(CancellationToken cancellationToken)
    {
        Calls.Add("abandon");
        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken)
    {
        Calls.Add($"dead-letter {reason}: {description}");
        return Task.CompletedTask;
    }
}

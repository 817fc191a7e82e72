namespace SlaFunctions.Core.Tests.Workflow.Replay;

/// <summary>
/// A replay did something other than what the history records, as Durable's exception of the same name reports.
/// </summary>
public sealed class NonDeterministicOrchestrationException(string message) : Exception(message);

using NodaTime;

namespace SlaFunctions.Core.Tests.Workflow.Replay;

/// <summary>
/// One entry of an execution's history, shaped after Durable's. Payloads are JSON, as Durable stores them.
/// </summary>
public abstract record HistoryEvent;

/// <summary>Something the orchestration code did. A replay must do the same things in the same order.</summary>
public abstract record OrchestrationAction : HistoryEvent;

public sealed record TimerCreated(int Id, Instant FireAt) : OrchestrationAction;

public sealed record TaskScheduled(int Id, string Name, string Input) : OrchestrationAction;

/// <summary>
/// Not in Durable's history (a wait leaves no trace there): recorded so that a replay that waits differently diverges.
/// </summary>
public sealed record SignalAwaited : OrchestrationAction;

/// <summary>Starts each episode; its timestamp is the context's current instant for the episode.</summary>
public sealed record OrchestratorStarted(Instant Timestamp) : HistoryEvent;

public sealed record ExecutionStarted(string Input) : HistoryEvent;

public sealed record TimerFired(int TimerId, Instant FireAt) : HistoryEvent;

public sealed record TaskCompleted(int TaskId, string Result) : HistoryEvent;

public sealed record EventRaised(string Name, string Input) : HistoryEvent;

/// <summary>The execution ended with ContinueAsNew; the next one starts from this input.</summary>
public sealed record ExecutionContinued(string Input) : HistoryEvent;

public sealed record ExecutionCompleted : HistoryEvent;

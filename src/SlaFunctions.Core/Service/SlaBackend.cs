namespace SlaFunctions.Core.Service;

/// <summary>What drives a ticket's SLA: the PostgreSQL polling engine, or a durable orchestration of its own.</summary>
public enum SlaBackend
{
    Polling,
    Durable,
}

/// <summary>The backends' names in settings, rows and audit entries: <c>polling</c> and <c>durable</c>.</summary>
public static class SlaBackendNames
{
    public static string Name(this SlaBackend backend) =>
        backend switch
        {
            SlaBackend.Polling => "polling",
            SlaBackend.Durable => "durable",
            _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
        };

    /// <summary>
    /// The backend of a name, ignoring case and surrounding spaces (a setting as typed); null if none has it.
    /// </summary>
    public static SlaBackend? Find(string? name) =>
        name?.Trim().ToLowerInvariant() switch
        {
            "polling" => SlaBackend.Polling,
            "durable" => SlaBackend.Durable,
            _ => null,
        };

    /// <summary>The backend a stored row names; any other name is a corrupt row.</summary>
    public static SlaBackend Parse(string name) =>
        Find(name) ?? throw new InvalidOperationException($"'{name}' is not a backend (expected polling or durable).");
}

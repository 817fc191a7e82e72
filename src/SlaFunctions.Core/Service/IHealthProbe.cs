namespace SlaFunctions.Core.Service;

/// <summary>Whether the service can do its work: its database answers and is migrated.</summary>
public interface IHealthProbe
{
    /// <summary>Null when healthy, otherwise what is wrong.</summary>
    Task<string?> ProblemAsync(CancellationToken cancellationToken = default);
}

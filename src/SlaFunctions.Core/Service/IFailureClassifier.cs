namespace SlaFunctions.Core.Service;

/// <summary>
/// Tells a failure a retry may cure, because a dependency is unavailable for now, from one it would repeat.
/// </summary>
public interface IFailureClassifier
{
    /// <summary>
    /// The dependency that is unavailable (such as "database"), or null when a retry would fail the same way.
    /// </summary>
    string? UnavailableDependency(Exception failure);
}

using SlaFunctions.Core.Service;

namespace SlaFunctions.Core.Api;

/// <summary>What both hosts answer when a handler throws instead of answering.</summary>
public static class ApiFailures
{
    /// <summary>
    /// A 503 with <c>Retry-After</c> naming the unavailable dependency when a retry may cure the failure; null for any
    /// other failure, which the host logs and answers with <see cref="Problem.Internal"/>.
    /// </summary>
    public static ApiResponse? Unavailable(Exception failure, IFailureClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return classifier.UnavailableDependency(failure) is { } dependency
            ? Problem.DependencyUnavailable(dependency)
            : null;
    }
}

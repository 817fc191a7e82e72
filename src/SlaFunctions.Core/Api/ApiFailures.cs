using SlaFunctions.Core.Service;

namespace SlaFunctions.Core.Api;

/// <summary>What both hosts answer when a handler throws instead of answering.</summary>
public static class ApiFailures
{
    /// <summary>
    /// A 503 with <c>Retry-After</c> naming the unavailable dependency when a retry may cure the failure; null for any
    /// other failure, which the host logs and answers with <see cref="Problem.Internal"/>.
    /// </summary>
    /// <summary>
    /// The answer to a handler that threw: <see cref="Unavailable"/> when a retry may cure it, else a 500 naming the
    /// trace under which the host logged it.
    /// </summary>
    public static ApiResponse Answer(Exception? failure, IFailureClassifier classifier, string trace) =>
        (failure is null ? null : Unavailable(failure, classifier)) ?? Problem.Internal(trace);

    public static ApiResponse? Unavailable(Exception failure, IFailureClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return classifier.UnavailableDependency(failure) is { } dependency
            ? Problem.DependencyUnavailable(dependency)
            : null;
    }
}

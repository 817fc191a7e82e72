namespace SlaFunctions.Core.Validation;

/// <summary>Input that cannot be accepted, naming the field at fault (a JSON path or a field name).</summary>
public sealed class InvalidInputException : Exception
{
    public InvalidInputException(string path, string problem)
        : base($"{path}: {problem}")
    {
        Path = path;
        Problem = problem;
    }

    public InvalidInputException()
        : this("$", "invalid input") { }

    public InvalidInputException(string message)
        : this("$", message) { }

    public InvalidInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = "$";
        Problem = message;
    }

    public string Path { get; }

    /// <summary>
    /// The input is well-formed but contradicts what was stored before: an idempotency key or event id already
    /// used for different content (HTTP 409 rather than 400).
    /// </summary>
    public bool IsConflict { get; private init; }

    public static InvalidInputException Conflict(string path, string problem) =>
        new(path, problem) { IsConflict = true };

    /// <summary>
    /// A late event older than the tenant's late-event tolerance (SPEC §2 "Late events"): refused with
    /// <c>TooLate</c>, HTTP 422 rather than 400.
    /// </summary>
    public bool IsTooLate { get; private init; }

    public static InvalidInputException TooLate(string path, string problem) => new(path, problem) { IsTooLate = true };

    public string Problem { get; }

    /// <summary>The same problem, with its path placed under <paramref name="parent"/>.</summary>
    public InvalidInputException Under(string parent) =>
        new(
            Path == "$" ? parent
                : Path.StartsWith('[') ? parent + Path
                : $"{parent}.{Path}",
            Problem
        )
        {
            IsConflict = IsConflict,
            IsTooLate = IsTooLate,
        };
}

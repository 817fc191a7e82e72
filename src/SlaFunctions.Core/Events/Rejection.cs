using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Events;

/// <summary>An event refused: the dead-letter reason (<see cref="DeadLetterReason"/>) and the field at fault.</summary>
public sealed record Rejection(string Reason, string Path, string Problem)
{
    public static Rejection From(string reason, InvalidInputException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(reason, error.Path, error.Problem);
    }

    /// <summary>An event its SLA refused (<see cref="DeadLetterReason.Refusal"/>).</summary>
    public static Rejection Refused(InvalidInputException error) => From(DeadLetterReason.Refusal(error), error);

    /// <summary>The dead-letter description, for example <c>$.payload.priority: is required</c>.</summary>
    public string Description => $"{Path}: {Problem}";

    /// <summary>The same rejection with its path placed under an item of a batch, such as <c>$[3]</c>.</summary>
    public Rejection Under(string itemPath) => Path.StartsWith('$') ? this with { Path = itemPath + Path[1..] } : this;
}

namespace SlaFunctions.Core.Rendering;

/// <summary>
/// The picture carries its own light background, so it reads the same on a light or a dark page; colours are
/// told apart by shape and label too, not by hue alone.
/// </summary>
internal static class Palette
{
    public const string Background = "#ffffff";
    public const string Border = "#d0d7de";
    public const string Text = "#1f2328";
    public const string MutedText = "#57606a";
    public const string Open = "#ffffff";
    public const string Closed = "#d6dbe1";
    public const string DayLine = "#8c959f";
    public const string Dst = "#953800";
    public const string Bar = "#0969da";
    public const string Overdue = "#cf222e";
    public const string Cancelled = "#8c959f";
    public const string Met = "#1a7f37";
    public const string Warning = "#bf8700";
    public const string Breach = "#cf222e";
    public const string Escalation = "#8250df";
    public const string AsOf = "#1f2328";

    /// <summary>Pause reasons in order of first appearance take these hatch colours, then repeat them.</summary>
    public static readonly string[] PauseColours = ["#9a6700", "#0550ae", "#6639ba", "#116329", "#953800"];
}

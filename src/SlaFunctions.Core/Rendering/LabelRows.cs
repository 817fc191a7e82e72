namespace SlaFunctions.Core.Rendering;

/// <summary>
/// Places short labels that start at their mark's x in as few rows as keep them apart: each label goes to the
/// first row whose last label ends before it begins. Marks a minute apart stay readable, stacked.
/// </summary>
internal static class LabelRows
{
    public const double CharWidth = 6.2;
    private const double Gap = 4;

    /// <summary>
    /// Where a label beside a mark at x starts: just right of it, or left of it where it would pass the right edge.
    /// </summary>
    public static double StartOf(double x, string text, double right) =>
        x + 2 + Width(text) <= right ? x + 2 : x - 2 - Width(text);

    /// <summary>The row of each label (by where it starts), in the order given, and how many rows they take.</summary>
    public static (int[] Rows, int Count) Place(IReadOnlyList<(double X, string Text)> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var rowEnds = new List<double>();
        var rows = new int[labels.Count];
        foreach (var i in Enumerable.Range(0, labels.Count).OrderBy(i => labels[i].X))
        {
            var (x, text) = labels[i];
            var row = rowEnds.FindIndex(end => end + Gap <= x);
            if (row < 0)
            {
                row = rowEnds.Count;
                rowEnds.Add(0);
            }

            rowEnds[row] = x + Width(text);
            rows[i] = row;
        }

        return (rows, rowEnds.Count);
    }

    public static double Width(string text) => (text?.Length ?? 0) * CharWidth;
}

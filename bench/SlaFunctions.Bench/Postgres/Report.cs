namespace SlaFunctions.Bench.Postgres;

internal static class Report
{
    /// <summary>The nearest-rank percentile.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Ceiling(p * sorted.Count) - 1];
    }

    /// <summary>The 1, 5 and 15 minute load averages: other work on this machine disturbs the figures.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

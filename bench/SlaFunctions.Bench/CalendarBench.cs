using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SlaFunctions.Bench.Calendar;

namespace SlaFunctions.Bench;

/// <summary>
/// <c>scripts/bench calendar</c>: the calendar against the minute walk, in the same run; the last line is the speedup.
/// </summary>
public static class CalendarBench
{
    public static int Run(string[] args)
    {
        new CalendarBenchmarks().Verify();
        Console.WriteLine(
            $"identical results on all {CalendarBenchmarks.Created.Length} tickets: due instants and business time used"
        );

        var config = ManualConfig
            .Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(args.Contains("--quick") ? 5 : 15))
            .WithOptions(ConfigOptions.JoinSummary)
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
        var summary = BenchmarkRunner.Run<CalendarBenchmarks>(config);

        var dueSpeedup = Ratio(
            summary,
            nameof(CalendarBenchmarks.DueByMinuteWalk),
            nameof(CalendarBenchmarks.DueByCalendar)
        );
        var usedSpeedup = Ratio(
            summary,
            nameof(CalendarBenchmarks.UsedByMinuteWalk),
            nameof(CalendarBenchmarks.UsedByCalendar)
        );
        Console.WriteLine(
            $"due instant: {Format(dueSpeedup)}x faster; business time used: {Format(usedSpeedup)}x faster"
        );
        Console.WriteLine($"calendar speedup: {Format(Math.Min(dueSpeedup, usedSpeedup))}×");
        return 0;
    }

    private static double Ratio(Summary summary, string baseline, string candidate) =>
        Mean(summary, baseline) / Mean(summary, candidate);

    private static double Mean(Summary summary, string method) =>
        summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics!.Mean;

    private static string Format(double ratio) => ratio.ToString("N0", CultureInfo.InvariantCulture);
}

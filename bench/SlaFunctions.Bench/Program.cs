using SlaFunctions.Bench;
using SlaFunctions.Bench.Durable;
using SlaFunctions.Bench.Http;
using SlaFunctions.Bench.Postgres;
using SlaFunctions.Bench.Query;
using SlaFunctions.Bench.Rollouts;

return args.FirstOrDefault() switch
{
    "calendar" => CalendarBench.Run(args[1..]),
    "simulate" => SimulateBench.Run(args[1..]),
    "polling" => await PollingBench.RunAsync(args[1..]),
    "lateness" => await LatenessBench.RunAsync(args[1..]),
    "durable" => await DurableBench.RunAsync(args[1..]),
    "ingest" => await IngestBench.RunAsync(args[1..]),
    "query" => await QueryBench.RunAsync(args[1..]),
    "rollout" => await RolloutBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine(
        "usage: scripts/bench calendar|simulate|polling|lateness|durable|ingest|query|rollout [--quick]"
    );
    return 2;
}

using SlaFunctions.Bench;

return args.FirstOrDefault() switch
{
    "calendar" => CalendarBench.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: scripts/bench calendar");
    return 2;
}

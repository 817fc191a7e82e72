using SlaFunctions.DurableWorker;
using SlaFunctions.Testing.Engine;

// SlaFunctions.DurableWorker DATABASE STORAGE TASKHUB JOURNAL: runs the engine until its standard input closes,
// with the notifications topic journalled to JOURNAL, where a killed process's sends outlive it.
if (args.Length != 4)
{
    await Console.Error.WriteLineAsync("usage: SlaFunctions.DurableWorker DATABASE STORAGE TASKHUB JOURNAL");
    return 2;
}

var topic = new JournalTopic(args[3]);
await using var engine = await SlaEngine.AzureStorageAsync(
    new AppTasks(args[0], topic),
    args[1],
    args[2],
    takeOver: true
);
Console.WriteLine($"{WorkerProcess.Ready} {engine.Address}");
await Console.In.ReadToEndAsync();
return 0;

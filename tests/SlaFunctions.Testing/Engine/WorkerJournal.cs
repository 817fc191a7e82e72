using System.Collections.Immutable;

namespace SlaFunctions.Testing.Engine;

/// <summary>
/// What a <see cref="WorkerProcess"/>'s topic did, a line per message: <c>sent ID BODY</c> or <c>refused ID</c>.
/// </summary>
public sealed record WorkerJournal(ImmutableArray<Published> Sent, ImmutableArray<string> Refused)
{
    public static string SentLine(string messageId, string body) => $"sent {messageId} {body.ReplaceLineEndings(" ")}";

    public static string RefusedLine(string messageId) => $"refused {messageId}";

    public static WorkerJournal Read(string path)
    {
        var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        var sent = ImmutableArray.CreateBuilder<Published>();
        var refused = ImmutableArray.CreateBuilder<string>();
        foreach (var line in lines)
        {
            var parts = line.Split(' ', 3);
            if (parts[0] == "sent")
            {
                sent.Add(new Published(parts[1], parts[2], default));
            }
            else
            {
                refused.Add(parts[1]);
            }
        }

        return new WorkerJournal(sent.ToImmutable(), refused.ToImmutable());
    }
}

using System.Globalization;
using NodaTime;
using SlaFunctions.Bench.Postgres;
using SlaFunctions.Testing.Engine;

namespace SlaFunctions.Bench.Durable;

/// <summary>
/// What one engine published against what its database says fell due: each expected notification (ticket, percent,
/// due instant) stored once and sent to the topic once, and its lateness, send instant minus <c>due_at</c>.
/// </summary>
internal sealed record Publications(string Engine, IReadOnlyList<double> Lateness, IReadOnlyList<string> Faults)
{
    public static async Task<Publications> CheckAsync(
        string engine,
        BenchDatabase database,
        IReadOnlyDictionary<(string Ticket, decimal Percent), Instant> expected,
        PublishedMessages topic
    )
    {
        var faults = new List<string>();
        var stored = new Dictionary<string, ((string Ticket, decimal Percent) Key, Instant DueAt)>();
        const string Sql = "select notification_id, ticket_id, percent, due_at from notifications";
        await using (var command = database.DataSource.CreateCommand(Sql))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var key = (reader.GetString(1), reader.GetDecimal(2));
                stored[reader.GetGuid(0).ToString("D")] = (key, reader.GetFieldValue<Instant>(3));
            }
        }

        var storedKeys = stored.Values.GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.ToList());
        var missing = expected.Keys.Where(k => !storedKeys.ContainsKey(k)).ToList();
        var wrongDue = expected
            .Where(e => storedKeys.TryGetValue(e.Key, out var s) && (s.Count != 1 || s[0].DueAt != e.Value))
            .ToList();
        var unexpected = stored.Values.Count(s => !expected.ContainsKey(s.Key));
        Note(
            faults,
            missing.Count,
            "expected notifications not stored",
            missing.Select(k => $"{k.Ticket}@{k.Percent}%")
        );
        Note(
            faults,
            wrongDue.Count,
            "stored more than once or with another due instant",
            wrongDue.Select(e => $"{e.Key.Ticket}@{e.Key.Percent}%")
        );
        Note(faults, unexpected, "stored notifications not expected in the window", []);

        var sends = topic.Sent.GroupBy(m => m.MessageId).ToDictionary(g => g.Key, g => g.ToList());
        var unsent = stored.Keys.Where(id => !sends.ContainsKey(id)).ToList();
        var repeated = sends.Where(s => s.Value.Count > 1).ToList();
        var unknown = sends.Keys.Count(id => !stored.ContainsKey(id));
        Note(
            faults,
            unsent.Count,
            "stored notifications never published",
            unsent.Select(id => $"{stored[id].Key.Ticket}@{stored[id].Key.Percent}%")
        );
        Note(
            faults,
            repeated.Count,
            "notifications published more than once",
            repeated.Select(r => $"{r.Key} x{r.Value.Count}")
        );
        Note(faults, unknown, "published messages that are no stored notification", []);

        var lateness = sends
            .Where(s => stored.ContainsKey(s.Key))
            .Select(s => (s.Value.Min(m => m.At) - stored[s.Key].DueAt).TotalMilliseconds)
            .ToList();
        return new Publications(engine, lateness, faults);
    }

    public string Row() =>
        Lateness.Count == 0
            ? $"{Engine, -34} {0, 13:N0}"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{Engine, -34} {Lateness.Count, 13:N0} {Lateness.Min(), 9:F0} {P(0.5), 9:F0} {P(0.99), 9:F0} {Lateness.Max(), 9:F0}"
            );

    public double P(double p) => Report.Percentile(Lateness, p);

    private static void Note(List<string> faults, int count, string what, IEnumerable<string> examples)
    {
        if (count > 0)
        {
            var shown = string.Join(", ", examples.Take(5));
            faults.Add($"{count:N0} {what}{(shown.Length > 0 ? $" (e.g. {shown})" : string.Empty)}");
        }
    }
}

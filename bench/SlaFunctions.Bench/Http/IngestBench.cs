using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace SlaFunctions.Bench.Http;

/// <summary>
/// <c>scripts/bench ingest</c>: domain events per second through <c>POST /api/tenants/{tenant}/events</c> of a
/// running service on loopback, in batches of 100 from 8 concurrent clients. The baseline, in the same run
/// with the same clients, is bare HTTP: <c>GET /api/health</c> (one database round trip per request).
/// </summary>
public static class IngestBench
{
    private const int Clients = 8;
    private const int BatchSize = 100;

    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(Argument(args, "--url"));
        var tenant = Argument(args, "--tenant");
        var key = Argument(args, "--key");
        var ticketsPerClient = args.Contains("--quick") ? 200 : 1_000;
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        await RunClientsAsync(http, (client, _) => Health(http), requestsPerClient: 10); // warm-up
        var healthWatch = Stopwatch.StartNew();
        var health = await RunClientsAsync(http, (client, _) => Health(http), requestsPerClient: 500);
        var healthPerSecond = health / healthWatch.Elapsed.TotalSeconds;
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"baseline: {health:N0} GET /api/health by {Clients} clients: {healthPerSecond:N0} requests/s"
            )
        );

        // Each ticket's life: created, waiting on the client, open again, answered, re-prioritised, resolved.
        var batches = Enumerable
            .Range(0, Clients)
            .Select(client => Batches(tenant, client, ticketsPerClient).ToList())
            .ToList();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var watch = Stopwatch.StartNew();
        var events = await RunClientsAsync(
            http,
            async (client, i) =>
            {
                using var content = new StringContent(batches[client][i], Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(
                    new Uri($"api/tenants/{tenant}/events", UriKind.Relative),
                    content
                );
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"POST events answered {(int)response.StatusCode}: {body}");
                }

                foreach (var result in JsonNode.Parse(body)!["results"]!.AsArray())
                {
                    statuses.AddOrUpdate((string)result!["status"]!, 1, (_, n) => n + 1);
                }

                return BatchSize;
            },
            requestsPerClient: batches[0].Count
        );
        var seconds = watch.Elapsed.TotalSeconds;
        var perSecond = events / seconds;

        var outcomes = string.Join(
            ", ",
            statuses
                .OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value:N0} {s.Key}"))
        );
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"ingested {events:N0} events ({Clients * ticketsPerClient:N0} tickets) by {Clients} clients in batches of {BatchSize} in {seconds:F1} s: {outcomes}"
            )
        );
        if (statuses.Keys.Any(s => s != "applied"))
        {
            throw new InvalidOperationException("Every event of the workload should apply.");
        }

        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"events/s over health requests/s: {perSecond / healthPerSecond:F2}"
            )
        );
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest: {perSecond:F0} events/s"));
        return 0;
    }

    private static async Task<int> Health(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("api/health", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return 1;
    }

    /// <summary>
    /// Runs the clients side by side, each sending its requests one after another; returns the sum of what they count.
    /// </summary>
    private static async Task<long> RunClientsAsync(
        HttpClient http,
        Func<int, int, Task<int>> send,
        int requestsPerClient
    )
    {
        var counts = await Task.WhenAll(
            Enumerable
                .Range(0, Clients)
                .Select(async client =>
                {
                    long count = 0;
                    for (var i = 0; i < requestsPerClient; i++)
                    {
                        count += await send(client, i);
                    }

                    return count;
                })
        );
        return counts.Sum();
    }

    /// <summary>
    /// A client's events, in batches of 100, each ticket's six events in order within a batch or across two.
    /// </summary>
    private static IEnumerable<string> Batches(string tenant, int client, int tickets)
    {
        var start = DateTimeOffset.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddDays(-1);
        var events = Enumerable
            .Range(0, tickets)
            .SelectMany(t =>
            {
                var ticket = $"C{client}-T{t}";
                string At(int minutes) =>
                    start
                        .AddSeconds(t)
                        .AddMinutes(minutes)
                        .ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                string Envelope(int n, string type, int minutes, string payload) =>
                    $$$"""{"eventId":"{{{ticket}}}-{{{n}}}","eventType":"{{{type}}}","tenantId":"{{{tenant}}}","occurredAt":"{{{At(minutes)}}}","payload":{"ticketId":"{{{ticket}}}",{{{payload}}}}}""";
                return new[]
                {
                    Envelope(1, "TICKET_CREATED", 0, "\"priority\":\"P2\""),
                    Envelope(2, "TICKET_STATUS_CHANGED", 5, "\"newStatus\":\"awaiting_client\""),
                    Envelope(3, "TICKET_STATUS_CHANGED", 35, "\"newStatus\":\"open\""),
                    Envelope(4, "TICKET_COMMENT_ADDED", 40, "\"isPublic\":true,\"authorType\":\"agent\""),
                    Envelope(5, "TICKET_PRIORITY_CHANGED", 45, "\"priority\":\"P1\""),
                    Envelope(6, "TICKET_RESOLVED", 50, "\"resolution\":\"fixed\""),
                };
            });
        return events.Chunk(BatchSize).Select(chunk => "[" + string.Join(",", chunk) + "]");
    }

    private static string Argument(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length
            ? args[i + 1]
            : throw new ArgumentException($"{name} is required");
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SlaFunctions.Testing.Postgres;

/// <summary>
/// A real HTTP endpoint on loopback that records what it receives, fails the first N requests, and answers each
/// request after a delay (a slow receiver).
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly TimeSpan delay;
    private int failuresLeft;

    public WebhookReceiver(int failFirst = 0, TimeSpan delay = default)
    {
        failuresLeft = failFirst;
        this.delay = delay;
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/hooks/sla/");
        listener.Prefixes.Add(Url.ToString());
        listener.Start();
        _ = ServeAsync();
    }

    public Uri Url { get; }

    public ConcurrentQueue<(string Body, string? Signature)> Received { get; } = new();

    public void Dispose() => listener.Close();

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = AnswerAsync(context);
        }
    }

    /// <summary>
    /// Requests are answered side by side, as a real server would, so a slow one does not queue the others.
    /// </summary>
    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            await Task.Delay(delay);
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var fail = Interlocked.Decrement(ref failuresLeft) >= 0;
            if (!fail)
            {
                Received.Enqueue((body, context.Request.Headers["X-Sla-Signature"]));
            }

            context.Response.StatusCode = fail ? 503 : 204;
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The client gave up (timed out) or the receiver was disposed.
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

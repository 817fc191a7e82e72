using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SlaFunctions.SelfHost.Hosting;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.SelfHost.Tests.Hosting;

/// <summary>
/// Requests that Kestrel or routing refuse before any handler runs, sent as raw bytes over a socket to the real
/// server: each answer is problem+json with a type and a field, never an empty body.
/// </summary>
public class RawRequestTests(RawRequestTests.Server server) : IClassFixture<RawRequestTests.Server>
{
    // A well-formed request says Connection: close, so that the server closes once it has answered.
    public static TheoryData<string, byte[], int, string> Requests() =>
        new()
        {
            {
                "%00 in the path",
                Ascii("GET /api/tenants/a/tickets/T%00/sla HTTP/1.1\r\nHost: x\r\n\r\n"),
                400,
                "request"
            },
            {
                "raw NUL in the path",
                Ascii("GET /api/tenants/a/tic\0kets/T/sla HTTP/1.1\r\nHost: x\r\n\r\n"),
                400,
                "request"
            },
            {
                "raw space in the path",
                Ascii("GET /api/tenants/a b/tickets/T/sla HTTP/1.1\r\nHost: x\r\n\r\n"),
                400,
                "request"
            },
            {
                "raw 0xFF in the path",
                [.. Ascii("GET /api/tenants/a"), 0xFF, .. Ascii("/tickets/T/sla HTTP/1.1\r\nHost: x\r\n\r\n")],
                400,
                "request"
            },
            { "no Host header", Ascii("GET /api/health HTTP/1.1\r\n\r\n"), 400, "request" },
            { "malformed header", Ascii("GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"), 400, "request" },
            {
                "a request line far too long",
                Ascii($"GET /{new string('a', 20_000)} HTTP/1.1\r\nHost: x\r\n\r\n"),
                414,
                "path"
            },
            {
                "unknown route",
                Ascii("GET /api/nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                404,
                "path"
            },
            {
                "unknown method",
                Ascii("DELETE /api/simulate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                405,
                "method"
            },
            {
                "a second bad request on a kept-alive connection",
                Ascii("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n"),
                400,
                "request"
            },
        };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_request_refused_before_any_handler_gets_a_problem_body(
        string name,
        byte[] request,
        int status,
        string field
    )
    {
        var response = await server.SendAsync(request);

        // A kept-alive connection answers the good request first; the refusal is the last response.
        var last = response[response.LastIndexOf("HTTP/1.1 ", StringComparison.Ordinal)..];
        var (head, body) = (
            last[..last.IndexOf("\r\n\r\n", StringComparison.Ordinal)],
            last[(last.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]
        );
        Assert.True(head.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"{name}: {response}");
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.OrdinalIgnoreCase);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(status, (int)problem["status"]!);
        Assert.Equal(field, (string?)problem["field"]);
        Assert.StartsWith("https://slafunctions.dev/problems/", (string)problem["type"]!, StringComparison.Ordinal);
    }

    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>The real service (Kestrel on a free port, with its workers) on a test database.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly DatabaseFixture database = new();
        private WebApplication app = null!;
        private Uri address = null!;

        public async Task InitializeAsync()
        {
            await database.InitializeAsync();
            app = WebApp.Build([
                "--urls=http://127.0.0.1:0",
                $"--Sla:Database:ConnectionString={database.ConnectionString}",
            ]);
            await app.StartAsync();
            address = new Uri(
                app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            );
        }

        /// <summary>Writes the bytes and reads everything the server answers until it closes the connection.</summary>
        public async Task<string> SendAsync(byte[] request)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, address.Port), timeout.Token);
            await socket.SendAsync(request, timeout.Token);
            var received = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            return Encoding.Latin1.GetString(received.ToArray());
        }

        public async Task DisposeAsync()
        {
            await app.DisposeAsync();
            await database.DisposeAsync();
        }
    }
}

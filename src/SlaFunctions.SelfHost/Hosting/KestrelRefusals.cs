using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using SlaFunctions.Core.Api;

namespace SlaFunctions.SelfHost.Hosting;

/// <summary>
/// Gives Kestrel's own refusals a problem+json body. A request Kestrel cannot parse (a NUL, space or non-ASCII
/// byte in the path, a malformed header, no Host) never reaches the middleware pipeline: Kestrel answers it
/// itself with an empty body and closes the connection, and offers no hook to shape that answer. So each
/// connection's output passes through here, and such an answer is recognised and given a body.
/// </summary>
/// <remarks>
/// Kestrel's refusal is the last thing it writes on a connection, in one write: a 4xx or 5xx status line and
/// headers with <c>Content-Length: 0</c> and <c>Connection: close</c> and no <c>Content-Type</c>. The service's
/// own error responses always carry a problem body, so nothing it sends looks like that.
/// </remarks>
internal static class KestrelRefusals
{
    public static ConnectionDelegate Middleware(ConnectionDelegate next) =>
        async connection =>
        {
            var transport = connection.Transport;
            var output = new Pipe();
            connection.Transport = new DuplexPipe(transport.Input, output.Writer);
            var pump = PumpAsync(output.Reader, transport.Output);
            try
            {
                await next(connection);
            }
            finally
            {
                await output.Writer.CompleteAsync();
                await pump;
                connection.Transport = transport;
            }
        };

    private static async Task PumpAsync(PipeReader from, PipeWriter to)
    {
        try
        {
            while (true)
            {
                var read = await from.ReadAsync();
                var buffer = read.Buffer;
                if (WithProblemBody(buffer) is { } rewritten)
                {
                    to.Write(rewritten);
                }
                else
                {
                    foreach (var segment in buffer)
                    {
                        to.Write(segment.Span);
                    }
                }

                from.AdvanceTo(buffer.End);
                var flushed = await to.FlushAsync();
                if (read.IsCompleted || read.IsCanceled || flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await from.CompleteAsync();
        }
    }

    /// <summary>The bytes with a trailing Kestrel refusal given a problem body, or null when there is none.</summary>
    internal static byte[]? WithProblemBody(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 16 || !buffer.Slice(buffer.Length - 4).ToArray().AsSpan().SequenceEqual("\r\n\r\n"u8))
        {
            return null;
        }

        var bytes = buffer.ToArray();
        var start = bytes.AsSpan().LastIndexOf("HTTP/1.1 "u8);
        if (start < 0)
        {
            return null;
        }

        var head = Encoding.Latin1.GetString(bytes, start, bytes.Length - start);
        if (
            head.Length < 13
            || head[9] is not ('4' or '5')
            || head.IndexOf("\r\n\r\n", StringComparison.Ordinal) != head.Length - 4
            || !head.Contains("\r\nContent-Length: 0\r\n", StringComparison.OrdinalIgnoreCase)
            || !head.Contains("\r\nConnection: close\r\n", StringComparison.OrdinalIgnoreCase)
            || head.Contains("\r\nContent-Type:", StringComparison.OrdinalIgnoreCase)
        )
        {
            return null;
        }

        var problem = ProblemFor(int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture));
        var body = Encoding.UTF8.GetBytes(problem.Body);
        var newHead = head.Replace(
            "\r\nContent-Length: 0\r\n",
            $"\r\nContent-Type: {Problem.ContentType}\r\nContent-Length: {body.Length}\r\n",
            StringComparison.OrdinalIgnoreCase
        );
        return [.. bytes.AsSpan(0, start), .. Encoding.Latin1.GetBytes(newHead), .. body];
    }

    private static ApiResponse ProblemFor(int status) =>
        status switch
        {
            400 => Problem.Of(
                400,
                "bad-request",
                "The request is not valid HTTP.",
                "the request line or a header is malformed (for example a NUL, space or non-ASCII byte in the path, a header without a colon, or no Host header)",
                "request"
            ),
            414 => Problem.Of(
                414,
                "uri-too-long",
                "The URL is too long.",
                "the request line is longer than the server accepts",
                "path"
            ),
            431 => Problem.Of(
                431,
                "headers-too-large",
                "The request headers are too large.",
                "the request headers are larger than the server accepts",
                "headers"
            ),
            505 => Problem.Of(
                505,
                "http-version-not-supported",
                "The HTTP version is not supported.",
                "use HTTP/1.1 or HTTP/2",
                "version"
            ),
            _ => Problem.Of(
                status,
                "http-" + status.ToString(CultureInfo.InvariantCulture),
                "The request was refused.",
                $"the server refused the request with {status}",
                "request"
            ),
        };

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}

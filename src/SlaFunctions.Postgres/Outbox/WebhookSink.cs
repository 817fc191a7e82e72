using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace SlaFunctions.Postgres.Outbox;

/// <summary>
/// POSTs each notification to a URL, signed: <c>X-Sla-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>
/// with the shared secret, so the receiver can tell it came from here and was not altered.
/// </summary>
public sealed class WebhookSink(HttpClient http, Uri url, string secret) : INotificationSink
{
    public const string SignatureHeader = "X-Sla-Signature";

    public string Name => "webhook";

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task PublishAsync(Guid notificationId, string payload, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(secret, body));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.",
                null,
                response.StatusCode
            );
        }
    }
}

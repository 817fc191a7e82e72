using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Api;

public sealed partial class SlaApi
{
    /// <summary>The commands of <c>POST …/tickets/{ticket}/sla/{command}</c>.</summary>
    public static readonly ImmutableArray<string> Commands =
    [
        "pause",
        "resume",
        "respond",
        "resolve",
        "reopen",
        "cancel",
        "priority",
        "status",
    ];

    /// <summary>
    /// <c>POST /api/tenants/{tenant}/tickets/{ticket}/sla</c>: <c>{ priority, policyId?, createdAt?, clientId?,
    /// boardId?, correlationKeys?, idempotencyKey? }</c>. Starting again answers the running SLA (200, not 201).
    /// </summary>
    public Task<ApiResponse> StartAsync(
        string? authorization,
        string tenant,
        string ticket,
        string body,
        string? idempotencyKey,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var request = JsonInput.Read(
                    body,
                    input =>
                    {
                        input.AllowOnly(
                            "priority",
                            "policyId",
                            "createdAt",
                            "clientId",
                            "boardId",
                            "correlationKeys",
                            "idempotencyKey"
                        );
                        var keys =
                            input
                                .Optional("correlationKeys")
                                ?.Items()
                                .Select(k => k.AsName(Identifiers.MaxLength))
                                .ToImmutableArray()
                            ?? [];
                        if (keys.Length > EventRouter.MaxCorrelationKeys)
                        {
                            throw input
                                .Required("correlationKeys")
                                .Error($"must list at most {EventRouter.MaxCorrelationKeys} keys");
                        }

                        return new StartRequest(
                            input.Required("priority").AsName(100),
                            input.Optional("policyId")?.AsName(Identifiers.MaxLength),
                            input.Optional("createdAt")?.AsInstant(),
                            input.Optional("clientId")?.AsName(Identifiers.MaxLength),
                            input.Optional("boardId")?.AsName(Identifiers.MaxLength)
                        )
                        {
                            CorrelationKeys = keys,
                            Id = IdempotencyKey(input, idempotencyKey),
                        };
                    }
                );
                var key = new TicketKey(tenant, Identifiers.RequireTicketId(ticket, "ticket"));
                var change = await slas.StartAsync(key, request, cancellationToken);
                await events.SubscribeAsync(key, request.CorrelationKeys.Add(ticket), cancellationToken);
                return Changed(key, change, change.Effect == EventEffect.Applied ? 201 : 200);
            },
            ("ticket", ticket)
        );

    /// <summary>
    /// <c>POST …/sla/{command}</c>: <c>{ at?, idempotencyKey? }</c> plus <c>reason</c> (pause, resume),
    /// <c>priority</c> (priority) or <c>status</c> (status). Without <c>at</c> the event happens now.
    /// </summary>
    public Task<ApiResponse> CommandAsync(
        string? authorization,
        string tenant,
        string ticket,
        string command,
        string body,
        string? idempotencyKey,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                if (!Commands.Contains(command))
                {
                    return Problem.NotFound(
                        "command",
                        $"'{JsonInput.Truncate(command)}' is not a command (expected one of {string.Join(", ", Commands)})"
                    );
                }

                var e = JsonInput.Read(
                    string.IsNullOrWhiteSpace(body) ? "{}" : body,
                    input => ReadCommand(command, input, idempotencyKey)
                );
                var key = new TicketKey(tenant, Identifiers.RequireTicketId(ticket, "ticket"));
                try
                {
                    return Changed(key, await slas.ApplyAsync(key, e, cancellationToken), 200);
                }
                catch (InvalidInputException reused) when (reused.IsConflict)
                {
                    return Problem.Conflict("idempotencyKey", $"{reused.Problem}; send a new key for a new command");
                }
            },
            ("ticket", ticket)
        );

    /// <summary><c>GET /api/tenants/{tenant}/tickets/{ticket}/sla</c>: where the SLA stands, computed now.</summary>
    public Task<ApiResponse> StatusAsync(
        string? authorization,
        string tenant,
        string ticket,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var key = new TicketKey(tenant, Identifiers.RequireTicketId(ticket, "ticket"));
                var status = await slas.GetStatusAsync(key, cancellationToken) ?? throw new SlaNotFoundException(key);
                return ApiResponse.Ok(json => StatusJson.Write(json, key, status, Now));
            },
            ("ticket", ticket)
        );

    private TicketEvent ReadCommand(string command, JsonInput input, string? idempotencyKey)
    {
        // The route's command names are CommandKind's, in lower case.
        var kind = Enum.Parse<CommandKind>(command, ignoreCase: true);
        input.AllowOnly(["at", "idempotencyKey", .. CommandRule.ArgumentsOf(kind)]);
        var at = input.Optional("at")?.AsInstant() ?? Now;
        var e = CommandRule.EventOf(kind, at, name => input.Required(name).AsName(100));
        var key = IdempotencyKey(input, idempotencyKey);
        return e with { Id = key, Digest = key is null ? null : CommandDigest(command, input) };
    }

    /// <summary>What an idempotency key stands for: the command and its body as sent, without the key itself.</summary>
    private static string CommandDigest(string command, JsonInput input) =>
        JsonDigest.Of(json =>
        {
            json.WriteStartObject();
            json.WriteString("command", command);
            json.WritePropertyName("body");
            json.WriteCanonical(input.Element, "idempotencyKey");
            json.WriteEndObject();
        });

    /// <summary>
    /// The Idempotency-Key header or the body's idempotencyKey; both may be given only if they agree.
    /// </summary>
    private static string? IdempotencyKey(JsonInput input, string? header)
    {
        var fromBody = input.Optional("idempotencyKey")?.AsName(Identifiers.MaxLength);
        if (header is not null)
        {
            Identifiers.Require(header, "Idempotency-Key");
        }

        return fromBody is not null && header is not null && fromBody != header
            ? throw input.Required("idempotencyKey").Error("differs from the Idempotency-Key header")
            : fromBody ?? header;
    }

    private ApiResponse Changed(TicketKey ticket, SlaChange change, int status) =>
        ApiResponse.Ok(
            json =>
            {
                json.WriteStartObject();
                json.WriteString("effect", WireNames.Of(change.Effect));
                if (change.Reason is { } reason)
                {
                    json.WriteString("reason", reason);
                }

                json.WritePropertyName("sla");
                StatusJson.Write(json, ticket, change.Status, Now);
                json.WriteEndObject();
            },
            status
        );
}

using System.CommandLine;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres;
using SlaFunctions.Postgres.Migrations;
using SlaFunctions.Postgres.Outbox;

namespace SlaFunctions.SelfHost.Cli;

/// <summary>
/// <c>deliveries dead</c> and <c>deliveries redeliver</c>: notifications whose delivery used up its attempts.
/// </summary>
public static class DeliveryCommands
{
    public static Command Deliveries(TextWriter stdout, TextWriter stderr)
    {
        var connection = DatabaseCommands.ConnectionOption();
        var tenant = new Argument<string>("TENANT");
        var limit = new Option<int>("--limit")
        {
            Description = "At most this many, oldest first.",
            DefaultValueFactory = _ => 100,
        };
        var dead = new Command(
            "dead",
            "List a tenant's dead deliveries, oldest first: notification, sink, ticket, attempts, when, last error."
        )
        {
            tenant,
            limit,
            connection,
        };
        dead.SetAction(
            (parsed, ct) =>
                Run(
                    parsed.GetValue(connection),
                    stderr,
                    async store =>
                    {
                        var take = parsed.GetValue(limit);
                        if (take is < 1 or > 10_000)
                        {
                            throw new InvalidInputException("--limit", "must be from 1 to 10000");
                        }

                        var items = await store.ListAsync(
                            Identifiers.Require(parsed.GetValue(tenant), "TENANT"),
                            null,
                            take,
                            ct
                        );
                        foreach (var item in items)
                        {
                            stdout.WriteLine(
                                $"{item.NotificationId}\t{item.Sink}\t{item.TicketId}\t{item.Attempts}\t{IsoText.Format(item.DeadAt)}\t{item.LastError}"
                            );
                        }

                        stdout.WriteLine($"deliveries: {items.Length} dead");
                    },
                    ct
                )
        );

        var redeliverTenant = new Argument<string>("TENANT");
        var ids = new Option<Guid[]>("--notification")
        {
            Description = "A notification id to send again (repeatable; default: every dead one).",
        };
        var sink = new Option<string?>("--sink")
        {
            Description = "Only deliveries to this sink (default: every sink).",
        };
        var redeliver = new Command("redeliver", "Send a tenant's dead deliveries again, with a fresh set of attempts.")
        {
            redeliverTenant,
            ids,
            sink,
            connection,
        };
        redeliver.SetAction(
            (parsed, ct) =>
                Run(
                    parsed.GetValue(connection),
                    stderr,
                    async store =>
                    {
                        var only = parsed.GetValue(ids) is { Length: > 0 } named ? named : null;
                        var count = await store.RedeliverAsync(
                            Identifiers.Require(parsed.GetValue(redeliverTenant), "TENANT"),
                            only,
                            parsed.GetValue(sink),
                            ct
                        );
                        stdout.WriteLine($"deliveries: {count} pending again");
                    },
                    ct
                )
        );
        return new Command("deliveries", "Dead notification deliveries: list them, send them again.")
        {
            dead,
            redeliver,
        };
    }

    private static async Task<int> Run(
        string? connection,
        TextWriter stderr,
        Func<DeadDeliveryStore, Task> action,
        CancellationToken cancellationToken
    )
    {
        var settings = DatabaseCommands.Settings(connection);
        await using var dataSource = SlaDatabase.Open(settings.ConnectionString);
        await Migrator.MigrateAsync(dataSource, cancellationToken);
        try
        {
            await action(new DeadDeliveryStore(dataSource, SystemClock.Instance));
            return 0;
        }
        catch (InvalidInputException e)
        {
            stderr.WriteLine(e.Message);
            return SimulateCommand.InvalidInput;
        }
    }
}

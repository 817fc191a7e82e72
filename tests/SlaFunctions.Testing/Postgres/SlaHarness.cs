using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Testing.Postgres;

/// <summary>The PostgreSQL layer over one test database, on a clock the test moves.</summary>
public sealed class SlaHarness
{
    public const string NewYorkWeekdays = """
        { "timeZone": "America/New_York", "hours": [
            { "day": "Monday", "start": "09:00", "end": "17:00" }, { "day": "Tuesday", "start": "09:00", "end": "17:00" },
            { "day": "Wednesday", "start": "09:00", "end": "17:00" }, { "day": "Thursday", "start": "09:00", "end": "17:00" },
            { "day": "Friday", "start": "09:00", "end": "17:00" } ] }
        """;

    public const string Standard = """
        { "calendar": "ny", "targets": {
            "P1": { "responseMinutes": 60, "resolutionMinutes": 480, "escalations": [70, 90, 110] },
            "P2": { "responseMinutes": 240, "resolutionMinutes": 1440 } },
          "pauseStatuses": ["awaiting_client"] }
        """;

    public SlaHarness(NpgsqlDataSource dataSource, Instant now, SlaStoreOptions? options = null)
    {
        DataSource = dataSource;
        Clock = new FakeClock(now);
        Options = options ?? new SlaStoreOptions();
        Definitions = new DefinitionStore(dataSource, Clock);
        Policies = new PolicyCache(Definitions);
        Tenants = new TenantStore(dataSource, Clock);
        Service = new PostgresSlaService(dataSource, Definitions, Policies, Clock, Options);
    }

    public NpgsqlDataSource DataSource { get; }

    public FakeClock Clock { get; }

    public SlaStoreOptions Options { get; }

    public DefinitionStore Definitions { get; }

    public PolicyCache Policies { get; }

    public TenantStore Tenants { get; }

    public PostgresSlaService Service { get; }

    public PollingEngine Engine(PollingOptions? options = null) =>
        new(DataSource, Policies, Clock, Options, options ?? new PollingOptions(), NullLogger<PollingEngine>.Instance);

    /// <summary>A new tenant with the New York weekday calendar and the standard policy as its default.</summary>
    /// <summary>
    /// The polling backend's parking over this harness's database and clock, with the default event settings.
    /// </summary>
    public PostgresParking Parking() =>
        new(
            DataSource,
            Service,
            new EventRouter(EventSettings.Default),
            DeadLetters(),
            Clock,
            NullLogger<PostgresParking>.Instance
        );

    /// <summary>The polling backend's ingestion, as the hosts register it.</summary>
    public EventIngestion Ingestion()
    {
        var (router, inbox, deadLetters, parking) = (
            new EventRouter(EventSettings.Default),
            new EventInbox(DataSource, Clock),
            DeadLetters(),
            Parking()
        );
        return new(
            router,
            inbox,
            deadLetters,
            parking,
            Service,
            new PostgresBatchIngestion(inbox, deadLetters, parking, Service, router)
        );
    }

    public PostgresDeadLetters DeadLetters() => new(DataSource, Clock, NullLogger<PostgresDeadLetters>.Instance);

    public async Task<string> NewTenantAsync(string calendar = NewYorkWeekdays, string policy = Standard)
    {
        var tenant = $"t-{Guid.NewGuid():N}"[..14];
        await Tenants.AddAsync(tenant, "Test tenant");
        await Definitions.PutCalendarAsync(tenant, "ny", calendar);
        await Definitions.PutPolicyAsync(tenant, "standard", policy);
        await Definitions.SetDefaultPolicyAsync(tenant, "standard");
        return tenant;
    }

    /// <summary>Polls until nothing is due at the current instant; returns how many notifications fired.</summary>
    public static async Task<int> DrainAsync(PollingEngine engine) => (await engine.DrainAsync()).Fired;

    public async Task<List<NotificationRow>> NotificationsAsync(string tenantId, string? ticketId = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            select ticket_id, phase, cycle, kind, percent, level, due_at, fired_at from notifications
            where tenant_id = $1 and ($2::text is null or ticket_id = $2) order by fired_at, phase, cycle, percent, kind
            """,
            connection
        )
        {
            Parameters =
            {
                new() { Value = tenantId },
                new() { Value = (object?)ticketId ?? DBNull.Value },
            },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<NotificationRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(
                new NotificationRow(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetInt32(2),
                    reader.GetString(3),
                    reader.GetDecimal(4),
                    reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    reader.GetFieldValue<Instant>(6),
                    reader.GetFieldValue<Instant>(7)
                )
            );
        }

        return rows;
    }

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static TicketKey Ticket(string tenant, string ticket) => new(tenant, ticket);
}

public sealed record NotificationRow(
    string TicketId,
    string Phase,
    int Cycle,
    string Kind,
    decimal Percent,
    int? Level,
    Instant DueAt,
    Instant FiredAt
);

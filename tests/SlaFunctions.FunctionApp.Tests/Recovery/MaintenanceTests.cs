using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Moq;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using SlaFunctions.Core.Api;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Durable;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Durable.Orchestrations;
using SlaFunctions.Durable.Recovery;
using SlaFunctions.FunctionApp.Tests.Support;
using SlaFunctions.FunctionApp.Triggers;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Outbox;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.FunctionApp.Tests.Recovery;

/// <summary>
/// The minute timer's run (<see cref="Maintenance"/>) from the app's own services against PostgreSQL, on a clock
/// the test moves: what is due fires, the outbox is sent, parked events expire, a failing step does not stop the
/// next, and on the durable setting the reconciler restarts an overdue ticket's orchestration.
/// </summary>
public sealed class MaintenanceTests : IAsyncLifetime, IDisposable
{
    // Monday 2026-06-08 10:00 in New York.
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 8, 14, 0);

    private readonly DatabaseFixture database = new();
    private readonly FakeClock clock = new(Now);
    private readonly RecordingSink sink = new();
    private readonly Mock<DurableTaskClient> client = new("test");
    private IHost? host;
    private string key = "";

    public MaintenanceTests()
    {
        client
            .Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .Returns<TaskName, object?, StartOrchestrationOptions?, CancellationToken>(
                (_, _, options, _) => Task.FromResult(options?.InstanceId ?? "delivery")
            );
        client.SetupGet(c => c.Entities).Returns(new Mock<DurableEntityClient>("test").Object);
    }

    public Task InitializeAsync() => database.InitializeAsync();

    [Fact]
    public async Task Due_thresholds_fire_and_the_outbox_sends_them_on_the_polling_backend()
    {
        var services = await AppAsync(SlaBackend.Polling);
        await StartAsync(services, "T-1");
        clock.Reset(Now + Duration.FromHours(2));

        await services
            .GetRequiredService<Maintenance>()
            .RunAsync((DurableInstances?)null, null, CancellationToken.None);

        var fired = await IdsAsync("select notification_id::text from notifications where ticket_id = 'T-1'");
        Assert.Contains(
            "breach",
            await IdsAsync("select kind from notifications where ticket_id = 'T-1' and phase = 'response'")
        );
        Assert.Equal(fired.Order(), sink.Published.Select(NotificationId).Order());
        Assert.Empty(await IdsAsync("select notification_id::text from outbox where state <> 'delivered'"));
    }

    [Fact]
    public async Task A_parked_event_past_its_window_is_dead_lettered()
    {
        var services = await AppAsync(SlaBackend.Polling);
        await IngestAsync(services, "T-9", "e-parked");
        clock.Reset(Now + Duration.FromDays(8));

        await services
            .GetRequiredService<Maintenance>()
            .RunAsync((DurableInstances?)null, null, CancellationToken.None);

        Assert.Equal(
            ["e-parked"],
            await IdsAsync($"select event_id from dead_letters where reason = '{DeadLetterReason.ParkingExpired}'")
        );
        Assert.Empty(await IdsAsync("select event_id from parked_events"));
    }

    [Fact]
    public async Task A_failing_step_does_not_stop_the_steps_after_it()
    {
        var services = await AppAsync(SlaBackend.Polling);
        await StartAsync(services, "T-1");
        await IngestAsync(services, "T-9", "e-parked");
        // The dispatcher's claim is an update of the outbox; the engine only inserts into it.
        await ExecuteAsync(
            """
            create function refuse_outbox_update() returns trigger language plpgsql as $$ begin raise exception 'outbox refused'; end $$;
            create trigger refuse_outbox_update before update on outbox for each statement execute function refuse_outbox_update();
            """
        );
        clock.Reset(Now + Duration.FromDays(8));

        try
        {
            await services
                .GetRequiredService<Maintenance>()
                .RunAsync((DurableInstances?)null, null, CancellationToken.None);
        }
        finally
        {
            await ExecuteAsync("drop trigger refuse_outbox_update on outbox; drop function refuse_outbox_update();");
        }

        Assert.NotEmpty(await IdsAsync("select notification_id::text from notifications"));
        Assert.Empty(sink.Published);
        Assert.NotEmpty(await IdsAsync("select notification_id::text from outbox where state = 'pending'"));
        Assert.Equal(["e-parked"], await IdsAsync("select event_id from dead_letters"));
    }

    [Fact]
    public async Task On_the_durable_backend_the_reconciler_restarts_an_overdue_ticket_whose_instance_is_missing()
    {
        var services = await AppAsync(SlaBackend.Durable);
        await StartAsync(services, "T-1");
        var instanceId = SlaInstanceId.For(new TicketKey("acme", "T-1"));
        VerifyStarts(instanceId, Times.Once());
        clock.Reset(Now + Duration.FromHours(2));

        await services
            .GetRequiredService<Maintenance>()
            .RunAsync(DurableBackend.Instances(client.Object), null, CancellationToken.None);

        VerifyStarts(instanceId, Times.Exactly(2));
        // The polling engine leaves durable tickets alone: only what fired at the start is stored.
        Assert.Empty(await IdsAsync("select notification_id::text from notifications"));
    }

    public void Dispose() => host?.Dispose();

    public Task DisposeAsync() => database.DisposeAsync();

    private async Task<IServiceProvider> AppAsync(SlaBackend backend)
    {
        host = AppHost.Build(
            backend,
            database.ConnectionString,
            clock,
            replace: services =>
            {
                services.RemoveAll<INotificationSink>();
                services.AddSingleton<INotificationSink>(sink);
            }
        );
        var tenants = host.Services.GetRequiredService<TenantStore>();
        await tenants.AddAsync("acme", "Acme");
        key = (await tenants.CreateKeyAsync("acme")).Token;
        var definitions = host.Services.GetRequiredService<DefinitionStore>();
        await definitions.PutCalendarAsync("acme", "ny", SlaHarness.NewYorkWeekdays);
        await definitions.PutPolicyAsync("acme", "standard", SlaHarness.Standard);
        await definitions.SetDefaultPolicyAsync("acme", "standard");
        return host.Services;
    }

    private SlaApi Api(IServiceProvider services) => services.GetRequiredService<DurableBackend>().Api(client.Object);

    private async Task StartAsync(IServiceProvider services, string ticket)
    {
        var started = await Api(services)
            .StartAsync($"Bearer {key}", "acme", ticket, """{ "priority": "P1" }""", null, CancellationToken.None);
        Assert.Equal(201, started.Status);
    }

    private async Task IngestAsync(IServiceProvider services, string ticket, string eventId)
    {
        var answer = await Api(services)
            .IngestAsync(
                $"Bearer {key}",
                "acme",
                $$"""
                [ { "eventId": "{{eventId}}", "eventType": "TICKET_STATUS_CHANGED", "tenantId": "acme", "occurredAt": "2026-06-08T13:30:00Z",
                    "payload": { "ticketId": "{{ticket}}", "newStatus": "in_progress" } } ]
                """,
                CancellationToken.None
            );
        Assert.Contains("\"parked\"", answer.Body, StringComparison.Ordinal);
    }

    private void VerifyStarts(string instanceId, Times times) =>
        client.Verify(
            c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    SlaOrchestrations.TicketSla,
                    It.IsAny<object?>(),
                    It.Is<StartOrchestrationOptions?>(o => o!.InstanceId == instanceId),
                    It.IsAny<CancellationToken>()
                ),
            times
        );

    private static string NotificationId(string payload) =>
        JsonDocument.Parse(payload).RootElement.GetProperty("notificationId").GetString()!;

    private async Task<List<string>> IdsAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}

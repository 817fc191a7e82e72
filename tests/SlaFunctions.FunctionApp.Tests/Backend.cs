using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Durable.Orchestrations;
using SlaFunctions.Durable.Signals;
using SlaFunctions.Durable.Tickets;
using SlaFunctions.FunctionApp.Hosting;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.FunctionApp.Tests;

/// <summary>The durable backend over a real test database, with Durable's client mocked.</summary>
public sealed class Backend
{
    // Monday 2026-06-08 09:00 in New York.
    public static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");

    private Backend(SlaHarness sla, string tenant)
    {
        Sla = sla;
        Tenant = tenant;
        Store = new DurableSlaStore(sla.DataSource, sla.Policies, sla.Clock, new DurableStoreOptions());
    }

    public SlaHarness Sla { get; }

    public string Tenant { get; }

    public DurableSlaStore Store { get; }

    public Mock<DurableTaskClient> Client { get; } = new("test");

    public DurableInstances Instances => new(Client.Object);

    public DurableSlaService Service => new(Sla.Service, Store, Instances, Sla.Clock, Sla.Options, NullLogger.Instance);

    public SignalDelivery Delivery =>
        new(Store, Sla.Service, Sla.DeadLetters(), Sla.Options, Instances, Sla.Clock, NullLogger.Instance);

    public static async Task<Backend> CreateAsync(DatabaseFixture database)
    {
        var sla = new SlaHarness(
            database.DataSource,
            Monday9,
            new SlaStoreOptions { Backend = SlaBackend.Durable, Sinks = [FunctionAppSettings.ServiceBusSink] }
        );
        return new Backend(sla, await sla.NewTenantAsync());
    }

    public TicketKey Ticket(string id) => new(Tenant, id);

    public void InstanceIs(TicketKey ticket, OrchestrationRuntimeStatus? status) =>
        Client
            .Setup(c => c.GetInstanceAsync(SlaInstanceId.For(ticket), false, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Metadata(ticket, status));

    public static OrchestrationMetadata? Metadata(TicketKey ticket, OrchestrationRuntimeStatus? status) =>
        status is { } s
            ? new OrchestrationMetadata(SlaOrchestrations.TicketSla, SlaInstanceId.For(ticket)) { RuntimeStatus = s }
            : null;
}

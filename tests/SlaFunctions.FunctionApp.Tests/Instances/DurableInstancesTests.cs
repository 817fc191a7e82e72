using DurableTask.Core.Exceptions;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Durable.Orchestrations;

namespace SlaFunctions.FunctionApp.Tests.Instances;

/// <summary>Starting a ticket's orchestration is idempotent: its id is fixed and "already exists" is success.</summary>
public class DurableInstancesTests
{
    private static readonly TicketSlaInput Input = new(new TicketKey("acme", "T-1"), null!, null!, []);

    private readonly Mock<DurableTaskClient> client = new("test");

    [Fact]
    public async Task A_start_schedules_the_ticket_orchestration_under_its_deterministic_id()
    {
        client
            .Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.Is<TaskName>(n => n.Name == SlaOrchestrations.TicketSla),
                    Input,
                    It.Is<StartOrchestrationOptions>(o => o.InstanceId == "sla-acme-T-1"),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync("sla-acme-T-1");

        Assert.True(await new DurableInstances(client.Object).StartTicketAsync(Input, CancellationToken.None));
        client.VerifyAll();
    }

    public static TheoryData<Exception> AlreadyExists =>
        new()
        {
            new OrchestrationAlreadyExistsException("An orchestration with id 'sla-acme-T-1' already exists."),
            new RpcException(new Status(StatusCode.AlreadyExists, "exists")),
        };

    [Theory]
    [MemberData(nameof(AlreadyExists))]
    public async Task A_start_that_finds_the_instance_running_is_success(Exception refusal)
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
            .ThrowsAsync(refusal);

        Assert.False(await new DurableInstances(client.Object).StartTicketAsync(Input, CancellationToken.None));
    }

    [Fact]
    public async Task Any_other_failure_to_schedule_is_the_callers_to_handle()
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
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "host down")));

        await Assert.ThrowsAsync<RpcException>(() =>
            new DurableInstances(client.Object).StartTicketAsync(Input, CancellationToken.None)
        );
    }

    [Theory]
    [InlineData(null, InstanceState.Missing)]
    [InlineData(OrchestrationRuntimeStatus.Running, InstanceState.Running)]
    [InlineData(OrchestrationRuntimeStatus.Pending, InstanceState.Pending)]
    [InlineData(OrchestrationRuntimeStatus.Completed, InstanceState.Completed)]
    [InlineData(OrchestrationRuntimeStatus.Failed, InstanceState.Failed)]
    [InlineData(OrchestrationRuntimeStatus.Terminated, InstanceState.Terminated)]
    [InlineData(OrchestrationRuntimeStatus.Suspended, InstanceState.Suspended)]
    public async Task The_instance_state_comes_from_its_metadata(
        OrchestrationRuntimeStatus? status,
        InstanceState expected
    )
    {
        client
            .Setup(c => c.GetInstanceAsync("sla-acme-T-1", false, It.IsAny<CancellationToken>()))
            .ReturnsAsync(
                status is { } s
                    ? new OrchestrationMetadata(SlaOrchestrations.TicketSla, "sla-acme-T-1") { RuntimeStatus = s }
                    : null
            );

        Assert.Equal(
            expected,
            await new DurableInstances(client.Object).StateAsync("sla-acme-T-1", CancellationToken.None)
        );
    }
}

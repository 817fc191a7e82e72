using Azure.Messaging.ServiceBus;
using DurableTask.Core.Exceptions;
using Grpc.Core;
using Npgsql;
using SlaFunctions.Core.Api;
using SlaFunctions.Durable;
using SlaFunctions.FunctionApp.Hosting;
using SlaFunctions.FunctionApp.Notifications;

namespace SlaFunctions.FunctionApp.Tests;

public class TransientFailuresTests
{
    public static TheoryData<Exception, bool> Failures =>
        new()
        {
            { new NpgsqlException("refused", new IOException("refused")), true },
            { new TimeoutException(), true },
            { new RpcException(new Status(StatusCode.Unavailable, "host restarting")), true },
            { new RpcException(new Status(StatusCode.FailedPrecondition, "not running")), false },
            { new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy), true },
            { new ServiceBusException("gone", ServiceBusFailureReason.MessagingEntityNotFound), false },
            { new InvalidOperationException("a bug"), false },
            { new InvalidOperationException("wrapped", new TimeoutException()), true },
        };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_what_a_retry_may_cure_is_transient(Exception failure, bool transient) =>
        Assert.Equal(transient, AzureFailures.IsTransient(failure));

    [Fact]
    public void The_api_answers_an_unavailable_database_as_the_self_host_does_and_other_dependencies_by_kind()
    {
        var database = ApiFailures.Unavailable(
            new NpgsqlException("refused", new IOException("refused")),
            AzureFailures.Classifier
        )!;
        var durable = ApiFailures.Unavailable(
            new RpcException(new Status(StatusCode.Unavailable, "host restarting")),
            AzureFailures.Classifier
        )!;

        Assert.Equal((503, "5"), (database.Status, database.Headers["Retry-After"]));
        Assert.Contains(Problem.TypeBase + "database-unavailable", database.Body, StringComparison.Ordinal);
        Assert.Contains(Problem.TypeBase + "dependency-unavailable", durable.Body, StringComparison.Ordinal);
        Assert.Null(ApiFailures.Unavailable(new InvalidOperationException("a bug"), AzureFailures.Classifier));
    }

    [Fact]
    public void Already_exists_is_recognised_in_both_forms()
    {
        Assert.True(TransientFailures.IsAlreadyExists(new OrchestrationAlreadyExistsException("exists")));
        Assert.True(
            TransientFailures.IsAlreadyExists(new RpcException(new Status(StatusCode.AlreadyExists, "exists")))
        );
        Assert.False(TransientFailures.IsAlreadyExists(new RpcException(new Status(StatusCode.Unavailable, "down"))));
    }

    [Fact]
    public void A_notification_message_carries_its_id_and_the_stored_json()
    {
        const string payload = """{"notificationId":"0196f1b2-7a3c-8d4e-9f00-112233445566","tenantId":"acme"}""";

        var message = ServiceBusSink.Message(Guid.Parse("0196f1b2-7a3c-8d4e-9f00-112233445566"), payload);

        Assert.Equal("0196f1b2-7a3c-8d4e-9f00-112233445566", message.MessageId);
        Assert.Equal(payload, message.Body.ToString());
        Assert.Equal("application/json", message.ContentType);
    }
}

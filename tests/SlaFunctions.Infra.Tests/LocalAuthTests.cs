namespace SlaFunctions.Infra.Tests;

/// <summary>Service Bus and Application Insights accept Entra tokens only, never keys.</summary>
[Collection(SharedCompiledTemplate.Name)]
public sealed class LocalAuthTests(CompiledTemplate template)
{
    [Fact]
    public void Service_bus_local_auth_is_disabled() =>
        Assert.True(template.One("Microsoft.ServiceBus/namespaces").BoolAt("properties", "disableLocalAuth"));

    [Fact]
    public void Service_bus_minimum_tls_version_is_1_2() =>
        Assert.Equal(
            "1.2",
            template.One("Microsoft.ServiceBus/namespaces").StringAt("properties", "minimumTlsVersion")
        );

    [Fact]
    public void Application_insights_local_auth_is_disabled() =>
        Assert.True(template.One("Microsoft.Insights/components").BoolAt("properties", "DisableLocalAuth"));

    [Fact]
    public void Domain_event_queue_dead_letters_expired_messages()
    {
        var queue = template.One("Microsoft.ServiceBus/namespaces/queues");
        Assert.Contains("'sla-domain-events'", queue.StringAt("name"), StringComparison.Ordinal);
        Assert.True(queue.BoolAt("properties", "deadLetteringOnMessageExpiration"));
    }

    [Fact]
    public void Notification_topic_has_a_subscription()
    {
        Assert.Contains(
            "'sla-notifications'",
            template.One("Microsoft.ServiceBus/namespaces/topics").StringAt("name"),
            StringComparison.Ordinal
        );
        Assert.NotEmpty(template.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions"));
    }

    [Fact]
    public void Notification_topic_drops_a_resent_message_id() =>
        Assert.True(
            template.One("Microsoft.ServiceBus/namespaces/topics").BoolAt("properties", "requiresDuplicateDetection")
        );
}

namespace SlaFunctions.Infra.Tests;

/// <summary>Identity-based connections only; the names are the contract in docs/configuration.md.</summary>
[Collection(SharedCompiledTemplate.Name)]
public sealed class FunctionAppSettingsTests(CompiledTemplate template)
{
    private static readonly string[] ExpectedNames =
    [
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "DurableTaskHubName",
        "ServiceBusConnection__fullyQualifiedNamespace",
        "ServiceBusConnection__credential",
        "ServiceBusConnection__clientId",
        "Sla__Backend",
        "Sla__Database__ConnectionString",
        "Sla__Database__EntraAuthentication",
        "AZURE_CLIENT_ID",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ];

    // Secret-bearing connection settings, and settings Flex Consumption rejects or ignores.
    private static readonly string[] ForbiddenNames =
    [
        "AzureWebJobsStorage",
        "ServiceBusConnection",
        "APPINSIGHTS_INSTRUMENTATIONKEY",
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_WORKER_RUNTIME_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTSHARE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
    ];

    private IReadOnlyDictionary<string, string> Settings => AppSettings.Of(template);

    [Fact]
    public void Settings_are_exactly_the_documented_set() =>
        Assert.Equal(ExpectedNames.Order(StringComparer.Ordinal), Settings.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void No_forbidden_setting_is_present() =>
        Assert.Empty(Settings.Keys.Intersect(ForbiddenNames, StringComparer.OrdinalIgnoreCase));

    [Fact]
    public void No_setting_carries_a_password_or_key()
    {
        foreach (var (name, value) in Settings)
        {
            Assert.DoesNotContain("password", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessKey", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("password", name, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("ServiceBusConnection")]
    public void Connections_use_the_managed_identity(string connection)
    {
        Assert.Equal("managedidentity", Settings[$"{connection}__credential"]);
        Assert.Equal(Settings["AZURE_CLIENT_ID"], Settings[$"{connection}__clientId"]);
    }

    [Fact]
    public void Identity_client_id_comes_from_the_identity() =>
        Assert.Contains("identityClientId", Settings["AZURE_CLIENT_ID"], StringComparison.Ordinal);

    [Fact]
    public void Application_insights_authenticates_with_entra() =>
        Assert.Contains(
            "Authorization=AAD",
            Settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"],
            StringComparison.Ordinal
        );

    [Fact]
    public void Database_uses_entra_tokens_over_tls()
    {
        Assert.Equal("true", Settings["Sla__Database__EntraAuthentication"]);
        var connectionString = Settings["Sla__Database__ConnectionString"];
        Assert.Contains("SSL Mode=Require", connectionString, StringComparison.Ordinal);
        Assert.Contains("Database=", connectionString, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_is_documented_in_configuration_md()
    {
        var doc = File.ReadAllText(Path.Combine(template.RepositoryRoot, "docs", "configuration.md"));
        Assert.All(Settings.Keys, name => Assert.Contains($"`{name}`", doc, StringComparison.Ordinal));
    }
}

namespace SlaFunctions.Infra.Tests;

[Collection(SharedCompiledTemplate.Name)]
public sealed class PostgresAuthTests(CompiledTemplate template)
{
    private ArmResource Server => template.One("Microsoft.DBforPostgreSQL/flexibleServers");

    [Fact]
    public void Password_authentication_is_disabled() =>
        Assert.Equal("Disabled", Server.StringAt("properties", "authConfig", "passwordAuth"));

    [Fact]
    public void Entra_authentication_is_enabled() =>
        Assert.Equal("Enabled", Server.StringAt("properties", "authConfig", "activeDirectoryAuth"));

    [Fact]
    public void No_administrator_login_or_password_is_set()
    {
        Assert.Null(Server.At("properties", "administratorLogin"));
        Assert.Null(Server.At("properties", "administratorLoginPassword"));
    }

    [Fact]
    public void An_entra_administrator_is_declared() =>
        Assert.NotNull(
            template
                .One("Microsoft.DBforPostgreSQL/flexibleServers/administrators")
                .StringAt("properties", "principalName")
        );

    [Fact]
    public void Firewall_opens_to_azure_services_only_and_only_on_request()
    {
        var rule = template.One("Microsoft.DBforPostgreSQL/flexibleServers/firewallRules");
        Assert.NotNull(rule.StringAt("condition"));
        Assert.Equal("0.0.0.0", rule.StringAt("properties", "startIpAddress"));
        Assert.Equal("0.0.0.0", rule.StringAt("properties", "endIpAddress"));
    }

    [Fact]
    public void Network_access_defaults_to_disabled() =>
        Assert.Equal(
            "Disabled",
            template.Root["parameters"]?["postgresNetworkAccess"]?["defaultValue"]?.GetValue<string>()
        );
}

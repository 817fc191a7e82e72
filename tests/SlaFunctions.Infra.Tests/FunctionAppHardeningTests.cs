namespace SlaFunctions.Infra.Tests;

[Collection(SharedCompiledTemplate.Name)]
public sealed class FunctionAppHardeningTests(CompiledTemplate template)
{
    private ArmResource Site => template.One("Microsoft.Web/sites");

    [Fact]
    public void Https_only() => Assert.True(Site.BoolAt("properties", "httpsOnly"));

    [Fact]
    public void Ftps_is_disabled() => Assert.Equal("Disabled", Site.StringAt("properties", "siteConfig", "ftpsState"));

    [Fact]
    public void Basic_publishing_credentials_are_off_for_ftp_and_scm()
    {
        var policies = template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");
        foreach (var kind in new[] { "ftp", "scm" })
        {
            var policy = Assert.Single(
                policies,
                p => p.StringAt("name")?.Contains($"'{kind}'", StringComparison.Ordinal) == true
            );
            Assert.False(policy.BoolAt("properties", "allow"));
        }
    }

    [Fact]
    public void Runs_dotnet_isolated_on_flex_consumption()
    {
        Assert.Equal("dotnet-isolated", Site.StringAt("properties", "functionAppConfig", "runtime", "name"));
        Assert.Equal("functionapp,linux", Site.StringAt("kind"));
        var plan = template.One("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.StringAt("sku", "name"));
        Assert.Equal("FlexConsumption", plan.StringAt("sku", "tier"));
    }

    [Fact]
    public void Runs_as_the_user_assigned_identity_only() =>
        Assert.Equal("UserAssigned", Site.StringAt("identity", "type"));

    [Fact]
    public void Deployment_package_is_read_with_the_identity() =>
        Assert.Equal(
            "UserAssignedIdentity",
            Site.StringAt("properties", "functionAppConfig", "deployment", "storage", "authentication", "type")
        );
}

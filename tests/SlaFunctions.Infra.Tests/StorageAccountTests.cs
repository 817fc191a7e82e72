namespace SlaFunctions.Infra.Tests;

[Collection(SharedCompiledTemplate.Name)]
public sealed class StorageAccountTests(CompiledTemplate template)
{
    private ArmResource Account => template.One("Microsoft.Storage/storageAccounts");

    [Fact]
    public void Shared_key_access_is_disabled() => Assert.False(Account.BoolAt("properties", "allowSharedKeyAccess"));

    [Fact]
    public void Minimum_tls_version_is_1_2() =>
        Assert.Equal("TLS1_2", Account.StringAt("properties", "minimumTlsVersion"));

    [Fact]
    public void Public_blob_access_is_disabled() => Assert.False(Account.BoolAt("properties", "allowBlobPublicAccess"));

    [Fact]
    public void Deployment_container_is_private() =>
        Assert.Equal(
            "None",
            template
                .One("Microsoft.Storage/storageAccounts/blobServices/containers")
                .StringAt("properties", "publicAccess")
        );
}

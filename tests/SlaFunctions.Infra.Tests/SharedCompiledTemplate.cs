namespace SlaFunctions.Infra.Tests;

/// <summary>All test classes share one compiled template: scripts/bicep runs once per test run.</summary>
[CollectionDefinition(Name)]
public sealed class SharedCompiledTemplate : ICollectionFixture<CompiledTemplate>
{
    public const string Name = "compiled main.bicep";
}

namespace SlaFunctions.Infra.Tests;

/// <summary>The identity holds exactly the data-plane roles it needs, each on the narrowest scope.</summary>
[Collection(SharedCompiledTemplate.Name)]
public sealed class RoleAssignmentTests(CompiledTemplate template)
{
    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts")] // Storage Blob Data Owner
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts")] // Storage Queue Data Contributor
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts")] // Storage Table Data Contributor
    [InlineData("4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "Microsoft.ServiceBus/namespaces/queues")] // Service Bus Data Receiver
    [InlineData("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "Microsoft.ServiceBus/namespaces/topics")] // Service Bus Data Sender
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components")] // Monitoring Metrics Publisher
    public void Role_is_assigned_to_the_identity_on_its_scope(string roleId, string scopeType)
    {
        var assignment = Assert.Single(Assignments, a => RoleOf(a).Contains($"'{roleId}'", StringComparison.Ordinal));
        Assert.Contains($"'{scopeType}'", assignment.StringAt("scope"), StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", assignment.StringAt("properties", "principalType"));
        Assert.Equal("[parameters('principalId')]", assignment.StringAt("properties", "principalId"));
        Assert.Contains(
            roleId,
            assignment.ResolveVariables(assignment.StringAt("name") ?? ""),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void Modules_grant_roles_to_the_identity_principal()
    {
        var modules = template
            .OfType("Microsoft.Resources/deployments")
            .Where(m =>
                m.At("properties", "template") is { } nested
                && ArmResource.AllIn(nested.AsObject()).Any(r => r.Type == "Microsoft.Authorization/roleAssignments")
            )
            .ToList();
        Assert.Equal(3, modules.Count);
        Assert.All(
            modules,
            m =>
                Assert.Equal(
                    "[reference('identity').outputs.principalId.value]",
                    m.StringAt("properties", "parameters", "principalId", "value")
                )
        );
    }

    [Fact]
    public void No_other_roles_are_assigned() => Assert.Equal(6, Assignments.Count);

    private IReadOnlyList<ArmResource> Assignments => template.OfType("Microsoft.Authorization/roleAssignments");

    private static string RoleOf(ArmResource assignment) =>
        assignment.ResolveVariables(assignment.StringAt("properties", "roleDefinitionId") ?? "");
}

using System.Collections.Concurrent;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Postgres.Definitions;

/// <summary>Compiled policy versions. A version never changes, so a compiled one is kept for good.</summary>
public sealed class PolicyCache(DefinitionStore definitions)
{
    private readonly ConcurrentDictionary<(string TenantId, PolicyRef Policy), SlaPolicy> compiled = new();

    public async ValueTask<SlaPolicy> GetAsync(string tenantId, PolicyRef policy, CancellationToken cancellationToken = default)
    {
        if (compiled.TryGetValue((tenantId, policy), out var found))
        {
            return found;
        }

        var definition = await definitions.GetPolicyAsync(tenantId, policy, cancellationToken)
            ?? throw new InvalidOperationException($"Policy {policy} of tenant {tenantId} does not exist.");
        return compiled.GetOrAdd((tenantId, policy), definition.Compile());
    }
}

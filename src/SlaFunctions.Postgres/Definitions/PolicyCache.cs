using System.Collections.Concurrent;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Postgres.Definitions;

/// <summary>
/// Policy versions, each read and compiled once: a version never changes, so it is kept for good, as stored
/// (the definition a durable orchestration carries) and compiled.
/// </summary>
public sealed class PolicyCache(DefinitionStore definitions)
{
    private readonly ConcurrentDictionary<(string TenantId, PolicyRef Policy), Version> versions = new();

    public async ValueTask<SlaPolicy> GetAsync(
        string tenantId,
        PolicyRef policy,
        CancellationToken cancellationToken = default
    ) => (await VersionAsync(tenantId, policy, cancellationToken)).Compiled;

    public async ValueTask<PolicyDefinition> GetDefinitionAsync(
        string tenantId,
        PolicyRef policy,
        CancellationToken cancellationToken = default
    ) => (await VersionAsync(tenantId, policy, cancellationToken)).Definition;

    /// <summary>The compiled form of a definition just read (a start), kept so that it is not read again.</summary>
    public SlaPolicy Compile(string tenantId, PolicyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return versions
            .GetOrAdd((tenantId, definition.Ref), _ => new Version(definition, definition.Compile()))
            .Compiled;
    }

    private async ValueTask<Version> VersionAsync(
        string tenantId,
        PolicyRef policy,
        CancellationToken cancellationToken
    )
    {
        if (versions.TryGetValue((tenantId, policy), out var found))
        {
            return found;
        }

        var definition =
            await definitions.GetPolicyAsync(tenantId, policy, cancellationToken)
            ?? throw new InvalidOperationException($"Policy {policy} of tenant {tenantId} does not exist.");
        return versions.GetOrAdd((tenantId, policy), new Version(definition, definition.Compile()));
    }

    private sealed record Version(PolicyDefinition Definition, SlaPolicy Compiled);
}

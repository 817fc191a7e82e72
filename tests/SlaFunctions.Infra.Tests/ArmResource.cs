using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SlaFunctions.Infra.Tests;

/// <summary>One resource of a compiled template, with the template that declares it.</summary>
public sealed partial record ArmResource(JsonObject Node, JsonObject Template)
{
    public string Type => Node["type"]?.GetValue<string>() ?? "";

    public JsonNode? At(params string[] path) => Navigate(Node, path);

    /// <summary>A string property at the path, or null when absent or not a string.</summary>
    public string? StringAt(params string[] path) =>
        At(path) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A boolean property at the path, or null when absent or not a boolean.</summary>
    public bool? BoolAt(params string[] path) =>
        At(path) is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    /// <summary>
    /// Replaces <c>variables('name')</c> references in an ARM expression with the string value of
    /// that variable in the declaring template, so literals kept in variables become visible.
    /// </summary>
    public string ResolveVariables(string expression) =>
        VariableReference()
            .Replace(
                expression,
                match =>
                    Template["variables"]?[match.Groups[1].Value] is JsonValue value
                    && value.TryGetValue<string>(out var text)
                        ? $"'{text}'"
                        : match.Value
            );

    /// <summary>The declared resources of a template: ARM's array form or the symbolic-name object form.</summary>
    public static IEnumerable<ArmResource> AllIn(JsonObject template)
    {
        IEnumerable<JsonNode?> nodes = template["resources"] switch
        {
            JsonArray array => array,
            JsonObject byName => byName.Select(pair => pair.Value),
            _ => [],
        };
        return nodes
            .OfType<JsonObject>()
            .Where(node => node["existing"]?.GetValue<bool>() != true)
            .Select(node => new ArmResource(node, template));
    }

    public static JsonNode? Navigate(JsonNode? node, params string[] path)
    {
        foreach (var step in path)
        {
            node = node is JsonObject obj ? obj[step] : null;
        }

        return node;
    }

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();
}

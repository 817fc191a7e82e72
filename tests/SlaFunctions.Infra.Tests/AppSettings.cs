using System.Text.Json.Nodes;

namespace SlaFunctions.Infra.Tests;

/// <summary>The function app's settings as compiled: name → value (ARM expression or literal).</summary>
public static class AppSettings
{
    public static IReadOnlyDictionary<string, string> Of(CompiledTemplate template)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var site in template.OfType("Microsoft.Web/sites"))
        {
            var list = site.At("properties", "siteConfig", "appSettings");
            if (list is JsonValue reference && reference.TryGetValue<string>(out var expression))
            {
                // "[variables('appSettings')]": the list is kept in a variable of the module.
                var name = expression.Split('\'')[1];
                list = site.Template["variables"]?[name];
            }

            foreach (var item in list as JsonArray ?? [])
            {
                Add(settings, item?["name"]?.GetValue<string>(), item?["value"]);
            }
        }

        foreach (var config in template.OfType("Microsoft.Web/sites/config"))
        {
            if (config.StringAt("name")?.Contains("appsettings", StringComparison.OrdinalIgnoreCase) == true)
            {
                foreach (var (name, value) in config.At("properties") as JsonObject ?? [])
                {
                    Add(settings, name, value);
                }
            }
        }

        return settings;
    }

    private static void Add(Dictionary<string, string> settings, string? name, JsonNode? value)
    {
        Assert.NotNull(name);
        Assert.False(settings.ContainsKey(name), $"app setting {name} is set twice");
        settings[name] =
            value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString() ?? "";
    }
}

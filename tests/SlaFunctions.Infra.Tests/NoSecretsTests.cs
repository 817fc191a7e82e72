using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SlaFunctions.Infra.Tests;

[Collection(SharedCompiledTemplate.Name)]
public sealed class NoSecretsTests(CompiledTemplate template)
{
    [Fact]
    public void Template_never_calls_a_list_function_such_as_listKeys() =>
        Assert.DoesNotMatch(new Regex(@"\blist[A-Za-z]*\(", RegexOptions.IgnoreCase), template.Text);

    [Fact]
    public void Template_contains_no_account_key_connection_strings() =>
        Assert.DoesNotContain("AccountKey=", template.Text, StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Template_contains_no_shared_access_keys() =>
        Assert.DoesNotContain("SharedAccessKey", template.Text, StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void No_output_is_secure_or_named_or_valued_like_a_secret()
    {
        var outputs = template.Templates.SelectMany(t => t["outputs"] as JsonObject ?? []).ToList();
        Assert.NotEmpty(outputs);
        foreach (var (name, output) in outputs)
        {
            var type = output?["type"]?.GetValue<string>() ?? "";
            var value = output?["value"]?.ToJsonString() ?? "";
            Assert.DoesNotContain("secure", type, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(new Regex("key|secret|password|connectionstring", RegexOptions.IgnoreCase), name);
            Assert.DoesNotMatch(
                new Regex(
                    @"password|secret|connectionstring|instrumentationkey|accountkey|accesskey|primarykey|\blist[a-z]*\(",
                    RegexOptions.IgnoreCase
                ),
                value
            );
        }
    }

    [Fact]
    public void No_parameter_is_a_secret() =>
        Assert.All(
            template.Templates.SelectMany(t => t["parameters"] as JsonObject ?? []),
            parameter =>
                Assert.DoesNotContain(
                    "secure",
                    parameter.Value?["type"]?.GetValue<string>() ?? "",
                    StringComparison.OrdinalIgnoreCase
                )
        );
}

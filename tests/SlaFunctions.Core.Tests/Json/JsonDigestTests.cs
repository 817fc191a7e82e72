using System.Text.Json;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Tests.Json;

public class JsonDigestTests
{
    [Theory]
    [InlineData("""{ "a": 1, "b": [1, { "c": "x", "d": null }] }""", """{"b":[1,{"d":null,"c":"x"}],"a":1}""")]
    [InlineData("""{ "n": 100 }""", """{ "n": 1e2 }""")]
    [InlineData("""{ "n": 1.5 }""", """{ "n": 1.50 }""")]
    public void The_same_content_written_differently_has_the_same_digest(string one, string other)
    {
        Assert.Equal(Digest(one), Digest(other));
    }

    [Theory]
    [InlineData("""{ "a": 1 }""", """{ "a": 2 }""")]
    [InlineData("""{ "a": "1" }""", """{ "a": 1 }""")]
    [InlineData("""[1, 2]""", """[2, 1]""")]
    [InlineData("""{ "a": 1 }""", """{ "a": 1, "b": null }""")]
    public void Different_content_has_different_digests(string one, string other)
    {
        Assert.NotEqual(Digest(one), Digest(other));
    }

    [Fact]
    public void Properties_left_out_do_not_count()
    {
        Assert.Equal(Digest("""{ "a": 1 }"""), Digest("""{ "a": 1, "key": "k" }""", "key"));
    }

    private static string Digest(string json, params string[] without)
    {
        using var document = JsonDocument.Parse(json);
        return JsonDigest.Of(writer => writer.WriteCanonical(document.RootElement, without));
    }
}

using SlaFunctions.Core.Json;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Tests.Json;

/// <summary>
/// What the parser lets through but nothing downstream can hold is refused when a document is read, naming the path.
/// </summary>
public class JsonInputSoundnessTests
{
    [Theory]
    [InlineData("""{ "a": 1, "a": 2 }""", "$.a", "appears twice in the same object")]
    [InlineData("""{ "x": { "b": [ { "c": 1, "d": 2, "c": 3 } ] } }""", "$.x.b[0].c", "appears twice")]
    [InlineData("""{ "a b": 1, "a b": 1 }""", "$['a b']", "appears twice")]
    [InlineData("""{ "a": "\ud800" }""", "$.a", "not valid Unicode")]
    [InlineData("""{ "a": ["ok", "\udfff\ud800"] }""", "$.a[1]", "not valid Unicode")]
    [InlineData("""{ "\ud800": 1 }""", "$", "a property name is not valid Unicode")]
    [InlineData("""{ "a": "x\u0000" }""", "$.a", "must not contain NUL")]
    [InlineData("""{ "a\u0000": 1 }""", "$", "must not contain NUL")]
    [InlineData("""{ "a": 1e1000000 }""", "$.a", "out of range")]
    [InlineData("""{ "a": -1e309 }""", "$.a", "out of range")]
    [InlineData("""{ "a": 1e-400 }""", "$.a", "out of range")]
    [InlineData("""[ 1, 2, 1E+999 ]""", "$[2]", "out of range")]
    public void An_unsound_document_is_refused_at_its_path(string json, string path, string problem)
    {
        var error = Assert.Throws<InvalidInputException>(() => JsonInput.Read(json, input => input.Element.ValueKind));

        Assert.Equal(path, error.Path);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "a": "\ud83d\ude00", "b": "é\u00e9", "c": 0, "d": 0.0e-999, "e": -1.7e308, "f": 5e-324 }""")]
    [InlineData("""{ "a": { "x": 1 }, "b": { "x": 1 } }""")]
    [InlineData("""[ { "a": 1 }, { "a": 1 } ]""")]
    public void A_sound_document_is_read(string json)
    {
        Assert.NotEqual(
            System.Text.Json.JsonValueKind.Undefined,
            JsonInput.Read(json, input => input.Element.ValueKind)
        );
    }

    [Fact]
    public void A_value_quoted_in_an_error_shows_control_characters_and_unpaired_surrogates_escaped()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            JsonInput.Read("""{ "at": "x\u0001y" }""", input => input.Required("at").AsInstant())
        );

        Assert.Contains("'x\\u0001y'", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0001', error.Message);
    }
}

using System.Text;
using SlaFunctions.Core.Api;

namespace SlaFunctions.Core.Tests.Api;

/// <summary>The body rules both hosts apply before a handler sees the body.</summary>
public class RequestBodyRulesTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("application/json", null)]
    [InlineData("application/json; charset=utf-8", 10L)]
    [InlineData("application/cloudevents+json", 10L)]
    public void Json_or_no_content_type_within_the_limit_is_read(string? contentType, long? length) =>
        Assert.Null(RequestBodyRules.Refuse(contentType, length));

    [Fact]
    public void Another_content_type_is_415_naming_the_header() =>
        Assert.Equal((415, Problem.ContentType), (RequestBodyRules.Refuse("text/plain", 3)!.Status, RequestBodyRules.Refuse("text/plain", 3)!.ContentType));

    [Fact]
    public void A_declared_length_over_the_limit_is_413() =>
        Assert.Equal(413, RequestBodyRules.Refuse("application/json", SlaApi.MaxBodyBytes + 1L)!.Status);

    [Fact]
    public void A_body_over_the_limit_or_not_utf8_is_refused_and_utf8_is_decoded()
    {
        Assert.Equal(413, RequestBodyRules.Decode(new byte[SlaApi.MaxBodyBytes + 1], SlaApi.MaxBodyBytes + 1).Refusal!.Status);
        Assert.Equal(400, RequestBodyRules.Decode([0xC3, 0x28], 2).Refusal!.Status);
        Assert.Equal("{\"a\":\"é\"}", RequestBodyRules.Decode(Encoding.UTF8.GetBytes("{\"a\":\"é\"}xx"), 10).Body);
    }
}

using SlaFunctions.Core.Api;

namespace SlaFunctions.Core.Tests.Rendering;

public class AcceptHeaderTests
{
    [Theory]
    [InlineData("image/svg+xml", true)]
    [InlineData("IMAGE/SVG+XML", true)]
    [InlineData("image/svg+xml, application/json", true)]
    [InlineData("application/json, image/svg+xml", true)]
    [InlineData("application/json;q=0.5, image/svg+xml", true)]
    [InlineData("image/svg+xml;q=0.4, application/json", false)]
    [InlineData("image/svg+xml;q=0", false)]
    [InlineData("image/*", false)]
    [InlineData("*/*", false)]
    [InlineData("application/json", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("image/svg+xml;q=0.8, */*;q=0.9", false)]
    [InlineData("image/svg+xml;q=0.8, application/*;q=0.5", true)]
    public void Svg_is_chosen_only_when_named_and_not_less_wanted_than_json(string? accept, bool svg) =>
        Assert.Equal(svg, AcceptHeader.Prefers(accept, "image/svg+xml", "application/json"));
}

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
        Assert.Equal(
            (415, Problem.ContentType),
            (RequestBodyRules.Refuse("text/plain", 3)!.Status, RequestBodyRules.Refuse("text/plain", 3)!.ContentType)
        );

    [Fact]
    public void A_declared_length_over_the_limit_is_413() =>
        Assert.Equal(413, RequestBodyRules.Refuse("application/json", SlaApi.MaxBodyBytes + 1L)!.Status);

    [Fact]
    public void A_body_over_the_limit_or_not_utf8_is_refused_and_utf8_is_decoded()
    {
        Assert.Equal(
            413,
            RequestBodyRules.Decode(new byte[SlaApi.MaxBodyBytes + 1], SlaApi.MaxBodyBytes + 1).Refusal!.Status
        );
        Assert.Equal(400, RequestBodyRules.Decode([0xC3, 0x28], 2).Refusal!.Status);
        Assert.Equal("{\"a\":\"é\"}", RequestBodyRules.Decode(Encoding.UTF8.GetBytes("{\"a\":\"é\"}xx"), 10).Body);
    }

    [Fact]
    public async Task A_body_is_read_whole_up_to_the_limit()
    {
        var text = "{\"a\":\"" + new string('é', (SlaApi.MaxBodyBytes - 8) / 2) + "\"}";

        var (body, refusal) = await RequestBodyRules.ReadAsync(
            "application/json",
            null,
            new MemoryStream(Encoding.UTF8.GetBytes(text))
        );

        Assert.Null(refusal);
        Assert.Equal(text, body);
    }

    [Fact]
    public async Task An_endless_body_without_a_length_is_413_after_reading_little_past_the_limit()
    {
        var endless = new EndlessStream();

        var (body, refusal) = await RequestBodyRules.ReadAsync(null, null, endless);

        Assert.Null(body);
        Assert.Equal(413, refusal!.Status);
        Assert.InRange(endless.Served, SlaApi.MaxBodyBytes + 1, SlaApi.MaxBodyBytes + 64 * 1024);
    }

    [Fact]
    public async Task Headers_are_refused_before_the_body_is_read()
    {
        var endless = new EndlessStream();

        var (_, refusal) = await RequestBodyRules.ReadAsync("text/plain", null, endless);

        Assert.Equal(415, refusal!.Status);
        Assert.Equal(0, endless.Served);
    }

    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Served;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)' ');
            Served += count;
            return count;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

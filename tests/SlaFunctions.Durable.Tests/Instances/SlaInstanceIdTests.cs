using SlaFunctions.Core.Service;
using SlaFunctions.Durable.Instances;

namespace SlaFunctions.Durable.Tests.Instances;

public class SlaInstanceIdTests
{
    [Fact]
    public void A_plain_tenant_and_ticket_stay_readable()
    {
        Assert.Equal("sla-acme-T-42", SlaInstanceId.For(new TicketKey("acme", "T-42")));
        Assert.Equal("sla-acme.eu_1-4711", SlaInstanceId.For(new TicketKey("acme.eu_1", "4711")));
    }

    [Fact]
    public void The_same_ticket_always_gets_the_same_id()
    {
        var ticket = new TicketKey("ten ant/1", "T #42?");
        Assert.Equal(SlaInstanceId.For(ticket), SlaInstanceId.For(ticket with { }));
    }

    [Theory]
    [InlineData("a-b", "c", "a", "b-c")]
    [InlineData("acme", "T/1", "acme", "T\\1")]
    [InlineData("acme", "T#1", "acme", "T?1")]
    [InlineData("t1", "x", "T1", "x")]
    public void Different_tickets_never_share_an_id(string tenantA, string ticketA, string tenantB, string ticketB) =>
        Assert.NotEqual(
            SlaInstanceId.For(new TicketKey(tenantA, ticketA)),
            SlaInstanceId.For(new TicketKey(tenantB, ticketB))
        );

    [Theory]
    [InlineData("a-b", "c")]
    [InlineData("acme", "T/1")]
    [InlineData("acme", "@counter@x")]
    [InlineData("acme", "Ticket with spaces")]
    [InlineData("acmé", "1")]
    public void Ids_outside_the_safe_alphabet_are_hashed_and_have_no_second_dash(string tenant, string ticket)
    {
        var id = SlaInstanceId.For(new TicketKey(tenant, ticket));

        Assert.Matches("^sla-[0-9a-f]{64}$", id);
        Assert.True(SlaInstanceId.IsValid(id));
    }

    [Fact]
    public void Long_ids_are_hashed_to_stay_within_the_limit()
    {
        var readable = SlaInstanceId.For(new TicketKey("acme", new string('x', 91)));
        var hashed = SlaInstanceId.For(new TicketKey("acme", new string('x', 92)));

        Assert.Equal(100, readable.Length);
        Assert.Matches("^sla-[0-9a-f]{64}$", hashed);
    }

    [Fact]
    public void Every_id_is_valid_for_durable_whatever_the_tenant_and_ticket()
    {
        var random = new Random(20260608);
        const string alphabet = "aZ09-_./\\#?@ :é~";
        for (var i = 0; i < 2000; i++)
        {
            string Text() =>
                new([.. Enumerable.Range(0, random.Next(1, 120)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var id = SlaInstanceId.For(new TicketKey(Text(), Text()));
            Assert.True(SlaInstanceId.IsValid(id), id);
        }
    }
}

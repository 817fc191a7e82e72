using SlaFunctions.Core.Events;
using SlaFunctions.Durable.Correlation;
using static SlaFunctions.Testing.Events.Samples;

namespace SlaFunctions.Durable.Tests.Correlation;

public class CorrelationEntityKeyTests
{
    private const string Entity = "correlationindex";

    [Fact]
    public void A_short_key_stays_readable_and_scoped_by_tenant()
    {
        Assert.Equal("acme/T-42", CorrelationEntityKey.For(Entity, "acme", "T-42"));
    }

    [Fact]
    public void The_same_key_in_two_tenants_is_two_entities()
    {
        Assert.NotEqual(
            CorrelationEntityKey.For(Entity, "acme", "T-42"),
            CorrelationEntityKey.For(Entity, "globex", "T-42")
        );
        Assert.NotEqual(
            CorrelationEntityKey.For(Entity, "acme", Repeat('k', 200)),
            CorrelationEntityKey.For(Entity, "globex", Repeat('k', 200))
        );
        Assert.NotEqual(
            CorrelationEntityKey.For(Entity, Repeat('a', 90), "k"),
            CorrelationEntityKey.For(Entity, Repeat('a', 91), "k")
        );
    }

    [Fact]
    public void A_long_key_is_hashed_stably_within_the_limit()
    {
        var key = CorrelationEntityKey.For(Entity, "acme", Repeat('k', 200));

        Assert.Equal(key, CorrelationEntityKey.For(Entity, "acme", Repeat('k', 200)));
        Assert.StartsWith("acme/#", key, StringComparison.Ordinal);
        Assert.Equal(6 + 64, key.Length);
        Assert.NotEqual(key, CorrelationEntityKey.For(Entity, "acme", Repeat('k', 199) + "j"));
    }

    [Theory]
    [InlineData("acme", 1)]
    [InlineData("acme", 82)]
    [InlineData("acme", 83)]
    [InlineData("acme", 200)]
    [InlineData("a-tenant-with-a-very-long-identifier-that-leaves-no-room", 30)]
    [InlineData("tenant/with/slashes", 5)]
    public void Every_entity_id_fits_in_100_characters(string tenant, int keyLength)
    {
        var key = CorrelationEntityKey.For(Entity, tenant, Repeat('k', keyLength));

        Assert.True($"@{Entity}@{key}".Length <= CorrelationEntityKey.MaxEntityIdLength, key);
    }

    [Fact]
    public void The_readable_form_is_used_up_to_the_limit_exactly()
    {
        var limit = 100 - Entity.Length - 2;

        Assert.Equal(
            $"acme/{Repeat('k', limit - 5)}",
            CorrelationEntityKey.For(Entity, "acme", Repeat('k', limit - 5))
        );
        Assert.StartsWith(
            "acme/#",
            CorrelationEntityKey.For(Entity, "acme", Repeat('k', limit - 4)),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void Readable_and_hashed_forms_cannot_collide()
    {
        var hashed = CorrelationEntityKey.For(Entity, "acme", Repeat('k', 200));
        var crafted = hashed["acme/".Length..];

        Assert.NotEqual(hashed, CorrelationEntityKey.For(Entity, "acme", crafted));
        Assert.StartsWith("acme/#", CorrelationEntityKey.For(Entity, "acme", "#short"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tenant_with_a_slash_is_never_mistaken_for_another_split()
    {
        Assert.NotEqual(CorrelationEntityKey.For(Entity, "a/b", "c"), CorrelationEntityKey.For(Entity, "a", "b/c"));
        Assert.Equal(65, CorrelationEntityKey.For(Entity, "a/b", "c").Length);
    }

    [Fact]
    public void A_long_tenant_falls_back_to_a_hash_of_everything()
    {
        var key = CorrelationEntityKey.For(Entity, Repeat('t', 60), Repeat('k', 30));

        Assert.StartsWith("#", key, StringComparison.Ordinal);
        Assert.Equal(65, key.Length);
    }
}

using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.SelfHost.Tests.Cli;

/// <summary><c>tenants settings TENANT [--late-event-tolerance MINUTES]</c> on a real database.</summary>
public class TenantSettingsCommandTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task It_shows_the_default_then_sets_and_shows_the_tolerance()
    {
        var tenant = await NewTenantAsync();

        var shown = await Verbs.OnAsync(database, "tenants", "settings", tenant);
        Assert.Equal((0, $"tenants: {tenant} late-event tolerance 15 min\n", ""), shown);

        var set = await Verbs.OnAsync(database, "tenants", "settings", tenant, "--late-event-tolerance", "30");
        Assert.Equal((0, $"tenants: {tenant} late-event tolerance 30 min\n", ""), set);

        var again = await Verbs.OnAsync(database, "tenants", "settings", tenant);
        Assert.Equal((0, $"tenants: {tenant} late-event tolerance 30 min\n", ""), again);
        var store = new Postgres.Tenants.TenantStore(database.DataSource, SystemClock.Instance);
        Assert.Equal(Duration.FromMinutes(30), (await store.GetAsync(tenant)).LateEventTolerance);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("10081")]
    [InlineData("1.5")]
    [InlineData("half-an-hour")]
    public async Task A_bad_tolerance_is_a_usage_error_naming_the_option_and_changes_nothing(string minutes)
    {
        var tenant = await NewTenantAsync();
        await Verbs.OnAsync(database, "tenants", "settings", tenant, "--late-event-tolerance", "45");

        var (exit, stdout, stderr) = await Verbs.OnAsync(
            database,
            "tenants",
            "settings",
            tenant,
            "--late-event-tolerance",
            minutes
        );

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Equal(
            "slafunctions: --late-event-tolerance: must be a whole number from 0 to 10080",
            stderr.Split('\n')[0]
        );
        Assert.Contains("Usage:", stderr, StringComparison.Ordinal);
        var store = new Postgres.Tenants.TenantStore(database.DataSource, SystemClock.Instance);
        Assert.Equal(Duration.FromMinutes(45), (await store.GetAsync(tenant)).LateEventTolerance);
    }

    [Fact]
    public async Task An_unknown_tenant_is_refused_rather_than_shown_the_defaults()
    {
        var (exit, stdout, stderr) = await Verbs.OnAsync(database, "tenants", "settings", "no-such-tenant");

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Equal("TENANT: tenant 'no-such-tenant' does not exist\n", stderr);
    }

    private async Task<string> NewTenantAsync()
    {
        var tenant = $"t-{Guid.NewGuid():N}"[..14];
        await new Postgres.Tenants.TenantStore(database.DataSource, SystemClock.Instance).AddAsync(tenant, "Test");
        return tenant;
    }
}

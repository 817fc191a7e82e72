using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Postgres.Tests.Tenants;

public class TenantSettingsTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");

    [Fact]
    public async Task A_tenant_that_set_none_and_an_unknown_tenant_get_the_15_minute_default()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();

        Assert.Equal(Duration.FromMinutes(15), TenantSettings.Default.LateEventTolerance);
        Assert.Equal(TenantSettings.Default, await sla.Tenants.GetAsync(tenant));
        Assert.Equal(TenantSettings.Default, await sla.Tenants.GetAsync("no-such-tenant"));
        Assert.Equal(
            1,
            await sla.CountAsync(
                "select count(*) from tenants where tenant_id = $1 and late_event_tolerance_seconds is null",
                tenant
            )
        );
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(TenantSettings.MaxLateEventToleranceMinutes)]
    public async Task Settings_set_are_read_back_as_set_for_that_tenant_only(int minutes)
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        var other = await sla.NewTenantAsync();
        var settings = new TenantSettings(Duration.FromMinutes(minutes));

        Assert.Equal(settings, await sla.Tenants.SetAsync(tenant, settings));

        Assert.Equal(settings, await new TenantStore(database.DataSource, sla.Clock).GetAsync(tenant));
        Assert.Equal(TenantSettings.Default, await sla.Tenants.GetAsync(other));
        Assert.Equal(
            minutes * 60,
            await sla.CountAsync("select late_event_tolerance_seconds from tenants where tenant_id = $1", tenant)
        );
    }

    [Fact]
    public async Task Setting_them_again_replaces_them()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();

        await sla.Tenants.SetAsync(tenant, new TenantSettings(Duration.FromMinutes(30)));
        await sla.Tenants.SetAsync(tenant, new TenantSettings(Duration.FromSeconds(90)));

        Assert.Equal(Duration.FromSeconds(90), (await sla.Tenants.GetAsync(tenant)).LateEventTolerance);
    }

    [Fact]
    public async Task Settings_for_an_unknown_tenant_are_refused_and_stored_nowhere()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);

        var refused = await Assert.ThrowsAsync<InvalidInputException>(() =>
            sla.Tenants.SetAsync("no-such-tenant", new TenantSettings(Duration.FromMinutes(30)))
        );

        Assert.Equal("tenantId", refused.Path);
        Assert.Equal(0, await sla.CountAsync("select count(*) from tenants where tenant_id = 'no-such-tenant'"));
    }

    [Fact]
    public async Task The_sql_helper_reads_within_the_callers_transaction()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        await TenantSettingsSql.WriteAsync(connection, tenant, new TenantSettings(Duration.FromMinutes(45)), default);

        Assert.Equal(
            Duration.FromMinutes(45),
            (await TenantSettingsSql.ReadAsync(connection, tenant, default)).LateEventTolerance
        );
        Assert.Equal(TenantSettings.Default, await sla.Tenants.GetAsync(tenant)); // not committed yet
        await transaction.RollbackAsync();
        Assert.Equal(TenantSettings.Default, await sla.Tenants.GetAsync(tenant));
    }

    [Fact]
    public async Task The_database_refuses_a_tolerance_beyond_7_days_or_below_zero()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var tenant = await sla.NewTenantAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();

        foreach (var seconds in new[] { -1, 604_801 })
        {
            await using var update = new Npgsql.NpgsqlCommand(
                "update tenants set late_event_tolerance_seconds = $2 where tenant_id = $1",
                connection
            )
            {
                Parameters =
                {
                    new() { Value = tenant },
                    new() { Value = seconds },
                },
            };
            var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => update.ExecuteNonQueryAsync());
            Assert.Equal(Npgsql.PostgresErrorCodes.CheckViolation, refused.SqlState);
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(7 * 24 * 60 * 60 + 1)]
    public void Settings_beyond_what_the_store_keeps_cannot_be_made(int seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TenantSettings(Duration.FromSeconds(seconds)));

    [Fact]
    public void A_tolerance_of_a_fraction_of_a_second_cannot_be_made() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TenantSettings(Duration.FromMilliseconds(1500)));
}

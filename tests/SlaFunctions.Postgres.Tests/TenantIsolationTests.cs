using System.Reflection;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Postgres.Tickets;
using SlaFunctions.Testing.Postgres;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Postgres.Tests;

/// <summary>
/// Two tenants with the same ids for everything. Every store method, called as tenant B, must neither
/// see nor change tenant A's rows; and every public store method must be exercised here.
/// </summary>
public class TenantIsolationTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Instant Monday9 = At.Local("America/New_York", "2026-06-08T09:00:00");

    private static readonly Type[] Stores = [typeof(TenantStore), typeof(DefinitionStore), typeof(PostgresSlaService)];

    private static readonly string[] Covered =
    [
        "TenantStore.AddAsync",
        "TenantStore.ExistsAsync",
        "TenantStore.CreateKeyAsync",
        "TenantStore.RevokeKeyAsync",
        "TenantStore.AuthenticateAsync",
        "TenantStore.GetAsync",
        "TenantStore.SetAsync",
        "DefinitionStore.PutCalendarAsync",
        "DefinitionStore.PutPolicyAsync",
        "DefinitionStore.GetPolicyAsync",
        "DefinitionStore.GetLatestPolicyAsync",
        "DefinitionStore.AssignAsync",
        "DefinitionStore.SetDefaultPolicyAsync",
        "DefinitionStore.ResolvePolicyIdAsync",
        "DefinitionStore.ResolveLatestPolicyAsync",
        "DefinitionStore.LatestOnCalendarAsync",
        "PostgresSlaService.StartAsync",
        "PostgresSlaService.StartWithAsync",
        "PostgresSlaService.ApplyAsync",
        "PostgresSlaService.ApplyAllAsync",
        "PostgresSlaService.GetStatusAsync",
        "PostgresSlaService.GetSlaAsync",
    ];

    [Fact]
    public void Every_public_store_method_has_an_isolation_case()
    {
        var methods = Stores.SelectMany(t =>
            t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Select(m => $"{t.Name}.{m.Name}")
        );

        Assert.Empty(methods.Except(Covered));
    }

    [Fact]
    public async Task No_store_method_called_as_one_tenant_reads_or_changes_another_tenants_rows()
    {
        var sla = new SlaHarness(database.DataSource, Monday9);
        var a = await sla.NewTenantAsync();
        var b = await sla.NewTenantAsync(
            policy: SlaHarness.Standard.Replace(
                "\"responseMinutes\": 60",
                "\"responseMinutes\": 15",
                StringComparison.Ordinal
            )
        );
        await sla.Definitions.AssignAsync(a, AssignmentScope.Client, "acme", "standard");
        await sla.Definitions.PutPolicyAsync(a, "gold", SlaHarness.Standard);
        await sla.Service.StartAsync(new TicketKey(a, "T-1"), new StartRequest("P1"));
        var keyOfA = await sla.Tenants.CreateKeyAsync(a);
        await sla.Tenants.SetAsync(a, new TenantSettings(Duration.FromMinutes(30)));
        var before = await RowsOf(sla, a);

        // Reads as B see only B.
        Assert.Null(await sla.Service.GetStatusAsync(new TicketKey(b, "T-1")));
        Assert.Null(await sla.Service.GetSlaAsync(new TicketKey(b, "T-1")));
        Assert.Equal(
            15,
            (await sla.Definitions.GetLatestPolicyAsync(b, "standard"))!
                .Compile()
                .Targets["P1"]
                .Response!.Value.TotalMinutes
        );
        Assert.Equal(
            15,
            (await sla.Definitions.GetPolicyAsync(b, new("standard", 1)))!
                .Compile()
                .Targets["P1"]
                .Response!.Value.TotalMinutes
        );
        Assert.Equal("standard", await sla.Definitions.ResolvePolicyIdAsync(b, "acme", null));
        Assert.Null(await sla.Definitions.GetLatestPolicyAsync(b, "missing"));
        Assert.Equal(
            15,
            (await sla.Definitions.ResolveLatestPolicyAsync(b, null, "acme", null))
                .Compile()
                .Targets["P1"]
                .Response!.Value.TotalMinutes
        );
        Assert.Equal(
            [new PolicyRef("standard", 1)],
            (await sla.Definitions.LatestOnCalendarAsync(b, "ny"))!.Value.AsEnumerable()
        );
        Assert.True(await sla.Tenants.ExistsAsync(b));
        Assert.Equal(TenantSettings.Default, await sla.Tenants.GetAsync(b));
        Assert.Equal(a, await sla.Tenants.AuthenticateAsync(keyOfA.Token));

        // Writes as B land in B.
        await Assert.ThrowsAsync<SlaNotFoundException>(() =>
            sla.Service.ApplyAsync(new TicketKey(b, "T-1"), new TicketResponded(Monday9))
        );
        await Assert.ThrowsAsync<SlaNotFoundException>(() =>
            sla.Service.ApplyAllAsync(new TicketKey(b, "T-1"), [new TicketResponded(Monday9)])
        );
        await sla.Service.StartWithAsync(
            new TicketKey(b, "T-1"),
            new StartRequest("P2"),
            [new TicketPaused(Monday9, "vendor")]
        );
        await sla.Service.ApplyAsync(new TicketKey(b, "T-1"), new TicketResponded(Monday9));
        await sla.Definitions.PutCalendarAsync(
            b,
            "ny",
            SlaHarness.NewYorkWeekdays.Replace("\"17:00\"", "\"18:00\"", StringComparison.Ordinal)
        );
        await sla.Definitions.PutPolicyAsync(b, "standard", SlaHarness.Standard);
        await sla.Definitions.AssignAsync(b, AssignmentScope.Client, "acme", "standard");
        await sla.Definitions.SetDefaultPolicyAsync(b, null);
        Assert.False(await sla.Tenants.RevokeKeyAsync(b, keyOfA.KeyId));
        await sla.Tenants.CreateKeyAsync(b);
        await sla.Tenants.SetAsync(b, new TenantSettings(Duration.FromMinutes(1)));
        await Assert.ThrowsAsync<Core.Validation.InvalidInputException>(() => sla.Tenants.AddAsync(a, "takeover"));

        Assert.Equal(before, await RowsOf(sla, a));
        Assert.Equal(a, await sla.Tenants.AuthenticateAsync(keyOfA.Token));
    }

    /// <summary>Every row of the tenant in every table that has a tenant column, as one JSON text.</summary>
    private static async Task<string> RowsOf(SlaHarness sla, string tenant)
    {
        await using var connection = await sla.DataSource.OpenConnectionAsync();
        var tables = new List<string>();
        await using (
            var list = new Npgsql.NpgsqlCommand(
                "select table_name from information_schema.columns where column_name = 'tenant_id' and table_schema = 'public' order by table_name",
                connection
            )
        )
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("ticket_slas", tables);
        var rows = new List<string>();
        foreach (var table in tables)
        {
            await using var select = new Npgsql.NpgsqlCommand(
                $"select coalesce(jsonb_agg(to_jsonb(t) order by to_jsonb(t)::text), '[]')::text from {table} t where tenant_id = $1",
                connection
            )
            {
                Parameters = { new() { Value = tenant } },
            };
            rows.Add($"{table}: {await select.ExecuteScalarAsync()}");
        }

        return string.Join('\n', rows);
    }
}

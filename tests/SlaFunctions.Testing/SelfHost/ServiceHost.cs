extern alias SelfHostApp;

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Tenants;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.Testing.SelfHost;

/// <summary>
/// The self-hosted service in memory (WebApplicationFactory) on a test database, with a clock the test moves
/// and no background workers: the test drives the polling engine itself (unless it asks for the workers).
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<SelfHostApp::Program> factory;

    private ServiceHost(
        DatabaseFixture database,
        Instant now,
        IReadOnlyDictionary<string, string>? settings,
        bool workers
    )
    {
        Database = database;
        Clock = new FakeClock(now);
        factory = new WebApplicationFactory<SelfHostApp::Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Sla:Database:ConnectionString", database.ConnectionString);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }

            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<IClock>(Clock);
                if (!workers)
                {
                    services.RemoveAll<IHostedService>();
                }
            });
        });
        Http = factory.CreateClient();
    }

    public DatabaseFixture Database { get; }

    public FakeClock Clock { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => factory.Services;

    /// <param name="workers">Run the polling engine, the dispatcher and the parking sweep in the background, as
    /// <c>serve</c> does.</param>
    public static async Task<ServiceHost> StartAsync(
        DatabaseFixture database,
        Instant now,
        IReadOnlyDictionary<string, string>? settings = null,
        bool workers = false
    )
    {
        var host = new ServiceHost(database, now, settings, workers);
        await host.Http.GetAsync(new Uri("/api/health", UriKind.Relative));
        return host;
    }

    /// <summary>A new tenant and an API key for it.</summary>
    public async Task<(string Tenant, string Key)> NewTenantAsync()
    {
        var tenants = Services.GetRequiredService<TenantStore>();
        var tenant = $"t-{Guid.NewGuid():N}"[..14];
        await tenants.AddAsync(tenant, "Test tenant");
        return (tenant, (await tenants.CreateKeyAsync(tenant)).Token);
    }

    public async Task<(int Status, JsonNode? Body, string? ContentType)> SendAsync(
        HttpMethod method,
        string path,
        string? key,
        string? body = null,
        string contentType = "application/json",
        IDictionary<string, string>? headers = null
    )
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException) { }
        }

        return ((int)response.StatusCode, json, response.Content.Headers.ContentType?.MediaType);
    }

    public PollingEngine Engine() => Services.GetRequiredService<PollingEngine>();

    /// <summary>
    /// Moves the clock from wake-up to wake-up up to the limit, polling at each, as a punctual engine would.
    /// </summary>
    public async Task RunEngineUntilAsync(Instant limit, bool inclusive = true)
    {
        var engine = Engine();
        while (await engine.NextWakeAtAsync() is { } wake && (wake < limit || (inclusive && wake == limit)))
        {
            Clock.Reset(wake > Clock.GetCurrentInstant() ? wake : Clock.GetCurrentInstant());
            await engine.DrainAsync();
        }

        if (Clock.GetCurrentInstant() < limit)
        {
            Clock.Reset(limit);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await factory.DisposeAsync();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Akka.Hosting;
using LockActors;
using LockActors.AspNetCore;
using LockActors.Hosting;
using LockActors.WebCache;
using Serilog;
using Serilog.Events;

// A web API that survives a cache stampede: a thousand concurrent requests for a product that
// is not cached cause exactly one database query. See ProductCatalog for how.
// Run it with: dotnet run --project samples/LockActors.WebCache
//
// The app serves itself a stampede: it listens on a free loopback port, sends 1,000 concurrent
// requests for one uncached product, and asks /stats how many database queries they caused.
// Then it does the same without the lock (?nolock=true) to show what the lock prevents.
// The exit code is 0 only if the locked stampede caused exactly one query.
//
// LockActors' metrics (and a sample of its traces) are exported to the console by the OpenTelemetry
// SDK: the metrics appear when the app stops. With --serve the app keeps serving after the stampede,
// with small stampedes on fresh products, so the lock board at /locks/ has something to show.

const int Requests = 1_000;

var serve = args.Contains("--serve");
await using var app = Program.Build(["--urls=http://127.0.0.1:0", "--Telemetry:Console=true", .. args.Where(a => a != "--serve")]);
await app.StartAsync();
var address = new Uri(app.Urls.First());
using var http = new HttpClient { BaseAddress = address };
Console.WriteLine($"Serving on {address}: the lock board at {new Uri(address, "/locks/")}, health at {new Uri(address, "/health")}");

Console.WriteLine($"{Environment.NewLine}== {Requests:N0} concurrent GET /products/42, product 42 not cached, with the lock");
var locked = await StampedeAsync(http, "/products/42");
var lockedQueries = await QueriesAsync(http);
Console.WriteLine($"   {locked}: {locked.FirstBody}");
Console.WriteLine($"   database queries: {lockedQueries}");

Console.WriteLine($"{Environment.NewLine}== {Requests:N0} concurrent GET /products/43?nolock=true, product 43 not cached, without the lock");
var unlocked = await StampedeAsync(http, "/products/43?nolock=true");
var unlockedQueries = await QueriesAsync(http) - lockedQueries;
Console.WriteLine($"   {unlocked}");
Console.WriteLine($"   database queries: {unlockedQueries:N0}: every request that missed the cache before the first query returned ran its own");

if (serve)
{
    Console.WriteLine($"{Environment.NewLine}Serving until Ctrl+C: open {new Uri(address, "/locks/")} to watch small stampedes queue for their locks.");
    using var trickle = new CancellationTokenSource();
    var load = TrickleAsync(http, trickle.Token);

    // Ctrl+C: the requests in flight are withdrawn before the app and its lock manager stop.
    var stopping = new TaskCompletionSource();
    using var onStop = app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
    await stopping.Task;
    await trickle.CancelAsync();
    await load;
}

await app.StopAsync();

var passed = lockedQueries == 1 && locked.Ok == Requests && locked.DistinctBodies == 1;
Console.WriteLine(passed
    ? $"{Environment.NewLine}With the lock: {Requests:N0} responses, 1 database query."
    : $"{Environment.NewLine}FAILED: with the lock expected {Requests:N0} OK responses and 1 query, got {locked.Ok} and {lockedQueries}.");
return passed ? 0 : 1;

// Sends Requests concurrent GETs for path and waits for all of them.
static async Task<StampedeResult> StampedeAsync(HttpClient http, string path)
{
    var clock = Stopwatch.StartNew();
    var responses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
    }));
    return new StampedeResult(
        responses.Length,
        responses.Count(r => r.StatusCode == HttpStatusCode.OK),
        responses.Select(r => r.Body).Distinct().Count(),
        responses[0].Body,
        clock.Elapsed);
}

// Four times a second, 20 concurrent requests for a product not cached yet: one loads it while the
// others wait for its lock, which the board shows as a held key with a queue.
static async Task TrickleAsync(HttpClient http, CancellationToken ct)
{
    for (var id = 1_000; ; id++)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => http.GetAsync($"/products/{id}", ct)));
        }
        catch (HttpRequestException)
        {
            // The app is shutting down: the wait below ends on the cancelled token.
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
        catch (OperationCanceledException)
        {
            return;
        }
    }
}

static async Task<int> QueriesAsync(HttpClient http) =>
    (await http.GetFromJsonAsync<Stats>("/stats"))!.DatabaseQueries;

/// <summary>The web app: its services, its logging and its endpoints.</summary>
public partial class Program
{
    /// <summary>
    /// Builds the app without starting it. <paramref name="configure"/> runs after the app's own
    /// registrations, so tests can swap the server (TestServer) or a service (the database).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Serilog on the console, quiet: warnings and errors from ASP.NET Core and Akka only.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((_, logger) => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Akka", LogEventLevel.Warning)
            .WriteTo.Console(outputTemplate: "  [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));

        // The actor system, with Akka's log routed to Serilog and the lock manager registered
        // under IRequiredActor<LockManager>.
        builder.Services.AddAkka("webcache", akka => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithLockManager("locks"));

        // One LockClient for every request: without an explicit owner each lock it takes gets
        // its own lightweight owner, so concurrent requests hold and wait independently. It is
        // created on first use, by which time the actor system has started.
        builder.Services.AddSingleton(services =>
            new LockClient(services.GetRequiredService<IRequiredActor<LockManager>>().ActorRef));
        // LockActors' metrics and traces through the OpenTelemetry SDK (see Telemetry), and a health
        // check that the lock manager answers.
        builder.AddLockTelemetry();
        builder.Services.AddHealthChecks().AddLockManager();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ProductDatabase>();
        builder.Services.AddSingleton<ProductCatalog>();

        configure?.Invoke(builder);
        var app = builder.Build();

        // GET /products/42 reads through the cache with the lock; ?nolock=true skips the lock.
        // The lock's label names the request, so the lock board shows which request holds or waits.
        app.MapGet("/products/{id:int:min(1)}", async (int id, bool? nolock, ProductCatalog catalog, HttpContext http, CancellationToken ct) =>
        {
            try
            {
                return Results.Ok(nolock == true
                    ? await catalog.GetWithoutLockAsync(id, ct)
                    : await catalog.GetAsync(id, $"GET /products/{id} ({http.TraceIdentifier})", ct));
            }
            catch (LockTimeoutException)
            {
                // Waited too long in line behind a slow load: tell the client to come back.
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            catch (LockRefusedException)
            {
                // The lock manager is gone (the app is shutting down): the same answer.
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
        });

        // GET /stats: how many database queries the app has made.
        app.MapGet("/stats", (ProductDatabase database) => new Stats(database.Queries));

        // GET /health: healthy while the lock manager answers. GET /locks/: the live lock board. A
        // real app would protect the board, which shows keys and labels: .RequireAuthorization().
        app.MapHealthChecks("/health");
        app.MapLockBoard("/locks");

        return app;
    }
}

/// <summary>What GET /stats returns.</summary>
public sealed record Stats(int DatabaseQueries);

/// <summary>The outcome of one burst of concurrent requests.</summary>
internal sealed record StampedeResult(int Responses, int Ok, int DistinctBodies, string FirstBody, TimeSpan Took)
{
    public override string ToString() =>
        $"responses: {Responses:N0} ({Ok:N0} OK, {DistinctBodies} distinct {(DistinctBodies == 1 ? "body" : "bodies")}) in {Took.TotalMilliseconds:N0} ms";
}

using System.Net;
using LockActors.WebCache;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LockActors.Samples.Tests;

// The WebCache sample's guarantee: however many requests for an uncached product arrive at
// once, the database is queried for it once, and every request gets the same product. Without
// the lock (?nolock=true) concurrent misses each query.
//
// Nothing here depends on timing: the fake database holds its answer behind a gate that opens
// on an event (all requests have arrived, or a second query has started), never after a delay.
public sealed class WebCacheStampedeSpecs
{
    private const int Requests = 1_000;

    /// <summary>Bounds a wait for a gate that a broken app never opens, so the test fails instead of hanging.</summary>
    private static readonly TimeSpan GateTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_thousand_concurrent_requests_for_an_uncached_product_query_the_database_once()
    {
        // The database answers only once all the requests have reached the app, so every one of
        // them is in flight while the product is still missing from the cache.
        var database = new GatedDatabase();
        await using var app = BuildOnTestServer(database);
        var arrived = 0;
        app.Use((context, next) =>
        {
            if (Interlocked.Increment(ref arrived) == Requests)
            {
                database.Open();
            }

            return next(context);
        });
        await app.StartAsync();
        using var http = app.GetTestClient();

        var responses = await SendConcurrentlyAsync(http, "/products/7");

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal("""{"id":7,"name":"Product #7","price":17}""", Assert.Single(responses.Select(r => r.Body).Distinct()));
        Assert.Equal(1, database.Queries);
        Assert.Equal("""{"databaseQueries":1}""", await http.GetStringAsync("/stats"));
    }

    [Fact]
    public async Task Without_the_lock_concurrent_misses_each_query_the_database()
    {
        // Every query waits until a second one has started. That happens only if a second request
        // misses the cache while the first query runs, which is the stampede the lock prevents.
        var database = new GatedDatabase(openAtQueries: 2);
        await using var app = BuildOnTestServer(database);
        await app.StartAsync();
        using var http = app.GetTestClient();

        var responses = await SendConcurrentlyAsync(http, "/products/7?nolock=true");

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Single(responses.Select(r => r.Body).Distinct());
        Assert.True(database.Queries >= 2, $"expected several queries without the lock, got {database.Queries}");
    }

    /// <summary>The sample app, served in memory, with <paramref name="database"/> as its database.</summary>
    private static WebApplication BuildOnTestServer(ProductDatabase database) =>
        Program.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Services.AddSingleton(database);
        });

    private static async Task<(HttpStatusCode Status, string Body)[]> SendConcurrentlyAsync(HttpClient http, string path) =>
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
        {
            using var response = await http.GetAsync(path);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

    /// <summary>
    /// A product database whose queries are counted as usual but answer only once the gate is
    /// open: opened by the test, or by the query that brings the count to <c>openAtQueries</c>.
    /// </summary>
    private sealed class GatedDatabase(int openAtQueries = int.MaxValue) : ProductDatabase
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _gate.TrySetResult();

        protected override Task RoundTripAsync(CancellationToken ct)
        {
            if (Queries >= openAtQueries)
            {
                Open();
            }

            return _gate.Task.WaitAsync(GateTimeout, ct);
        }
    }
}

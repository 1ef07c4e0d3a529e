using System.Net;
using System.Text.Json.Nodes;
using LockActors.WebCache;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LockActors.Samples.Tests;

// The WebCache sample's health check and lock board: /health is healthy while its lock manager
// answers, and /locks/api/locks shows the request loading a product holding the product's lock,
// labelled with the request, and the requests behind it queued, each labelled too.
public sealed class WebCacheBoardSpecs
{
    private const int Requests = 5;

    [Fact]
    public async Task The_board_shows_the_loading_request_holding_the_lock_and_the_others_queued_and_health_is_healthy()
    {
        var database = new HeldDatabase();
        await using var app = Program.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Services.AddSingleton<ProductDatabase>(database);
        });
        await app.StartAsync();
        using var http = app.GetTestClient();

        var responses = Enumerable.Range(0, Requests).Select(_ => http.GetAsync("/products/9")).ToArray();
        var key = await QueuedAsync(http, "product:9", Requests - 1);

        var holder = Assert.Single(key["holders"]!.AsArray())!;
        Assert.StartsWith("GET /products/9 (", (string?)holder["label"]);
        Assert.All(key["queue"]!.AsArray(), waiter => Assert.StartsWith("GET /products/9 (", (string?)waiter!["label"]));
        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());

        database.Open();
        foreach (var response in await Task.WhenAll(responses))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        Assert.Equal(1, database.Queries);
    }

    /// <summary>The board's entry for <paramref name="key"/> once <paramref name="waiters"/> requests queue for it.</summary>
    private static async Task<JsonNode> QueuedAsync(HttpClient http, string key, int waiters)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var page = JsonNode.Parse(await http.GetStringAsync($"/locks/api/locks?prefix={key}"))!;
            if (page["keys"]!.AsArray().FirstOrDefault(k => (string?)k!["key"] == key) is { } entry
                && entry["queue"]!.AsArray().Count == waiters)
            {
                return entry;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{waiters} requests did not queue for {key} within 30 s: {page}");
            await Task.Delay(10);
        }
    }

    /// <summary>A database whose queries answer only once the test opens it.</summary>
    private sealed class HeldDatabase : ProductDatabase
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _gate.TrySetResult();

        protected override Task RoundTripAsync(CancellationToken ct) => _gate.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }
}

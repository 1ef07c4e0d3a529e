extern alias GettingStarted;

using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace LockActors.Samples.Tests;

// The Getting started sample, run as written on an in-memory server: its endpoint ships an order
// under the order's lock, and each grant of that lock carries a larger fencing token.
public sealed class GettingStartedSpecs
{
    [Fact]
    public async Task Shipping_an_order_takes_its_lock_and_each_grant_has_a_larger_fencing_token()
    {
        await using var factory = new WebApplicationFactory<GettingStarted::Program>();
        using var http = factory.CreateClient();

        var first = await ShipAsync(http, "42");
        var second = await ShipAsync(http, "42");

        Assert.Equal("42", first.Order);
        Assert.True(second.FencingToken > first.FencingToken,
            $"expected the second grant's fencing token to exceed the first's, got {first.FencingToken} then {second.FencingToken}");
    }

    private static async Task<Shipment> ShipAsync(HttpClient http, string order)
    {
        using var response = await http.PostAsync($"/orders/{order}/ship", content: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Shipment>())!;
    }

    private sealed record Shipment(string Order, long FencingToken);
}

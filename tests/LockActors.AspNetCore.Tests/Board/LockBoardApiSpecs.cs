// Guarantee: the board's JSON endpoints report what the manager holds and queues (holders and
// waiters with labels, modes, tokens), page through the keys in use without losing or repeating one,
// escape every key and label, and refuse a bad parameter with a sentence naming it and its value.

using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace LockActors.AspNetCore.Tests.Board;

public sealed class LockBoardApiSpecs
{
    [Fact]
    public async Task The_page_is_served_below_a_trailing_slash_with_a_policy_that_allows_only_its_own_script()
    {
        await using var app = await BoardApp.StartAsync();
        using var http = app.CreateClient();

        using var bare = await http.GetAsync("/locks?x=1");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/locks/?x=1", bare.Headers.Location!.OriginalString);

        using var page = await http.GetAsync("/locks/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("default-src 'none'", policy);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"board.js\" defer></script>", html);
        Assert.DoesNotContain("http", html.Replace("http-equiv", ""), StringComparison.OrdinalIgnoreCase);

        using var script = await http.GetAsync("/locks/board.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("textContent", await script.Content.ReadAsStringAsync());
        using var style = await http.GetAsync("/locks/board.css");
        Assert.Equal("text/css", style.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_held_key_is_listed_with_its_holder_and_its_queue_with_their_labels()
    {
        await using var app = await BoardApp.StartAsync();
        using var http = app.CreateClient();
        await using var held = await app.Locks.LockAsync("order:42", LockOptions.Exclusive with { Label = "checkout by user 7" });
        var waiting = app.Locks.LockAsync("order:42", LockOptions.Within(Timeout.InfiniteTimeSpan) with { Label = "refund by user 9", Priority = 2 });
        await Eventually.QueuedAsync(app.Locks, "order:42", 1);

        var page = await GetJsonAsync(http, "/locks/api/locks");

        Assert.Equal(app.Manager.Path.ToString(), (string?)page["manager"]);
        Assert.Equal(1, (int?)page["keysInUse"]);
        Assert.Null(page["next"]);
        var key = Assert.Single(page["keys"]!.AsArray())!;
        Assert.Equal("order:42", (string?)key["key"]);
        Assert.Equal(1, (int?)key["capacity"]);
        var holder = Assert.Single(key["holders"]!.AsArray())!;
        Assert.Equal("checkout by user 7", (string?)holder["label"]);
        Assert.Equal("exclusive", (string?)holder["mode"]);
        Assert.Equal(1, (int?)holder["permits"]);
        Assert.Equal(held.FencingToken.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)holder["fencingToken"]);
        Assert.StartsWith("akka://board/", (string?)holder["owner"]);
        var waiter = Assert.Single(key["queue"]!.AsArray())!;
        Assert.Equal("refund by user 9", (string?)waiter["label"]);
        Assert.Equal(2, (int?)waiter["priority"]);
        Assert.Equal(["order:42"], waiter["keys"]!.AsArray().Select(k => (string?)k));
        Assert.NotEqual((string?)holder["owner"], (string?)waiter["owner"]);

        await held.ReleaseAsync();
        await using var granted = await waiting;
        var after = await GetJsonAsync(http, "/locks/api/locks");
        var stillHeld = Assert.Single(after["keys"]!.AsArray())!;
        Assert.Equal("refund by user 9", (string?)Assert.Single(stillHeld["holders"]!.AsArray())!["label"]);
        Assert.Empty(stillHeld["queue"]!.AsArray());
    }

    [Fact]
    public async Task Keys_and_labels_are_escaped_and_come_back_unchanged()
    {
        const string key = "</script><script>alert(\"key\")</script>&'";
        const string label = "<img src=x onerror=\"alert(1)\">";
        await using var app = await BoardApp.StartAsync();
        using var http = app.CreateClient();
        await using var held = await app.Locks.LockAsync(key, LockOptions.Exclusive with { Label = label });

        var text = await http.GetStringAsync("/locks/api/locks");

        Assert.DoesNotContain("<", text);
        Assert.DoesNotContain(">", text);
        Assert.DoesNotContain("&", text);
        Assert.DoesNotContain("'", text);
        var listed = Assert.Single(JsonNode.Parse(text)!["keys"]!.AsArray())!;
        Assert.Equal(key, (string?)listed["key"]);
        Assert.Equal(label, (string?)listed["holders"]![0]!["label"]);
    }

    [Fact]
    public async Task Keys_that_are_not_strings_or_not_valid_text_are_named_without_failing_the_page()
    {
        await using var app = await BoardApp.StartAsync();
        using var http = app.CreateClient();
        await using var number = await app.Locks.LockAsync(42);
        await using var broken = await app.Locks.LockAsync("half a pair: \ud800", LockOptions.Exclusive with { Label = "\udfff lone" });

        var page = await GetJsonAsync(http, "/locks/api/locks");

        var keys = page["keys"]!.AsArray().Select(k => (string)k!["key"]!).ToList();
        Assert.Contains("42 (Int32)", keys);
        Assert.Contains(keys, k => k.StartsWith("half a pair: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pages_list_every_key_in_use_once_and_the_prefix_filters_them()
    {
        await using var app = await BoardApp.StartAsync();
        using var http = app.CreateClient();
        var keys = Enumerable.Range(0, 1_200).Select(i => $"a:{i:D4}").ToArray();
        await using var first = await app.Locks.LockAllAsync(keys[..600]);
        await using var second = await app.Locks.LockAllAsync(keys[600..]);
        await using var others = await app.Locks.LockAllAsync(["b:1", "b:2", "b:3"]);

        var listed = new List<string>();
        var pages = 0;
        string? after = null;
        do
        {
            var page = await GetJsonAsync(http, $"/locks/api/locks?prefix=a:&limit=500{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}");
            Assert.Equal(1_203, (int?)page["keysInUse"]);
            var pageKeys = page["keys"]!.AsArray().Select(k => (string)k!["key"]!).ToList();
            Assert.InRange(pageKeys.Count, 1, 500);
            listed.AddRange(pageKeys);
            after = (string?)page["next"];
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(keys, listed.Order(StringComparer.Ordinal));
        var b = await GetJsonAsync(http, "/locks/api/locks?prefix=b:");
        Assert.Equal(["b:1", "b:2", "b:3"], b["keys"]!.AsArray().Select(k => (string)k!["key"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_hottest_keys_and_who_waits_for_whom_are_reported_with_labels()
    {
        await using var app = await BoardApp.StartAsync();
        using var http = app.CreateClient();
        await using var held = await app.Locks.LockAsync("hot:1", LockOptions.Exclusive with { Label = "holder" });
        await using var calm = await app.Locks.LockAsync("calm:1");
        var waits = Enumerable.Range(1, 3)
            .Select(i => app.Locks.LockAsync("hot:1", LockOptions.Within(Timeout.InfiniteTimeSpan) with { Label = $"waiter {i}" }))
            .ToArray();
        await Eventually.QueuedAsync(app.Locks, "hot:1", 3);

        var hot = await GetJsonAsync(http, "/locks/api/hot?top=5");
        var graph = await GetJsonAsync(http, "/locks/api/graph");

        var busiest = Assert.Single(hot["byWaiters"]!.AsArray())!;
        Assert.Equal("hot:1", (string?)busiest["key"]);
        Assert.Equal(3, (int?)busiest["waiters"]);
        Assert.True((double)busiest["longestWaitMs"]! >= 0);
        Assert.Equal("hot:1", (string?)Assert.Single(hot["byLongestWait"]!.AsArray())!["key"]);
        Assert.False((bool)graph["truncated"]!);
        var edges = graph["edges"]!.AsArray();
        Assert.Equal(["waiter 1", "waiter 2", "waiter 3"], edges.Select(e => (string)e!["waiterLabel"]!).Order());
        Assert.All(edges, e =>
        {
            Assert.Equal("hot:1", (string?)e!["key"]);
            Assert.Equal("holder", (string?)e["holderLabel"]);
        });

        await held.ReleaseAsync();
        foreach (var wait in waits)
        {
            await (await wait).ReleaseAsync();
        }
    }

    [Theory]
    [InlineData("/locks/api/locks?limit=0", "limit must be a whole number from 1 to 500; \"0\" is not.")]
    [InlineData("/locks/api/locks?limit=501", "limit must be a whole number from 1 to 500; \"501\" is not.")]
    [InlineData("/locks/api/locks?limit=ten", "limit must be a whole number from 1 to 500; \"ten\" is not.")]
    [InlineData("/locks/api/locks?limit=-1", "limit must be a whole number from 1 to 500; \"-1\" is not.")]
    [InlineData("/locks/api/locks?limit=5&limit=6", "limit is given 2 times; give it once.")]
    [InlineData("/locks/api/hot?top=101", "top must be a whole number from 1 to 100; \"101\" is not.")]
    [InlineData("/locks/api/graph?max=%3Cb%3E", "max must be a whole number from 1 to 1000; \"<b>\" is not.")]
    public async Task A_bad_parameter_is_refused_naming_it_and_its_value(string path, string error)
    {
        await using var app = await BoardApp.StartAsync();
        using var http = app.CreateClient();

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task A_prefix_too_long_and_a_cursor_the_manager_never_gave_are_refused()
    {
        await using var app = await BoardApp.StartAsync();
        using var http = app.CreateClient();

        using var longPrefix = await http.GetAsync($"/locks/api/locks?prefix={new string('p', 1025)}");
        using var badCursor = await http.GetAsync("/locks/api/locks?after=not-a-cursor");

        Assert.Equal(HttpStatusCode.BadRequest, longPrefix.StatusCode);
        Assert.StartsWith("prefix must be at most 1024 characters long; \"pppp", await ErrorAsync(longPrefix));
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Contains("not-a-cursor", await ErrorAsync(badCursor));
    }

    [Fact]
    public async Task A_stopped_manager_is_answered_503_naming_it()
    {
        await using var app = await BoardApp.StartAsync();
        using var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/locks/api/locks")).StatusCode);
        Assert.True(await Akka.Actor.GracefulStopSupport.GracefulStop(app.Manager, TimeSpan.FromSeconds(30)));

        using var response = await http.GetAsync("/locks/api/locks");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains(app.Manager.Path.ToString(), await ErrorAsync(response));
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return JsonNode.Parse(body)!;
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
}

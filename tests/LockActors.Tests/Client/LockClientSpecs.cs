using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

// LockClient gives ordinary async code the whole protocol: handles release on dispose, waits
// are withdrawn on cancellation without ever leaking a grant, and errors name their keys.
public sealed partial class LockClientSpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    private readonly IActorRef _locks;
    private readonly LockClient _client;

    public LockClientSpecs()
    {
        _locks = Sys.ActorOf(LockManager.Props(new LockManagerSettings { Metadata = "orders-db" }));
        _client = new LockClient(_locks);
    }

    private async Task<KeyStatus> StatusOf(object key) => await _client.InspectAsync(key);

    private async Task WaitUntilWaiters(object key, int count) =>
        await AwaitAssertAsync(async () => Assert.Equal(count, (await StatusOf(key)).Waiters.Count), Long);

    [Fact]
    public async Task TryLockAsync_returns_a_handle_when_free_and_null_when_held()
    {
        await using var first = await _client.TryLockAsync("k");
        Assert.NotNull(first);
        Assert.Equal("k", first!.Key);
        Assert.Equal("orders-db", first.Grant.Metadata);

        Assert.Null(await _client.TryLockAsync("k"));
        Assert.Equal(first.Owner, await _client.WhereIsAsync("k"));
    }

    [Fact]
    public async Task LockAsync_with_no_time_to_wait_throws_LockTimeoutException_naming_the_key()
    {
        await using var held = await _client.LockAsync("busy");
        var e = await Assert.ThrowsAsync<LockTimeoutException>(() => _client.LockAsync("busy", LockOptions.Within(TimeSpan.Zero)));
        Assert.Equal("busy", e.Key);
        Assert.Equal(LockFailure.Timeout, e.Cause);
        Assert.Contains("\"busy\"", e.Message);
    }

    [Fact]
    public async Task Each_handle_of_a_client_without_owner_is_its_own_owner()
    {
        await using var a = await _client.LockAsync("a");
        await using var b = await _client.LockAsync("b");
        Assert.NotEqual(a.Owner, b.Owner);

        // b's owner waits for a without self-deadlock, and gets it once a is released.
        var waiting = _client.LockAsync("a", LockOptions.Within(Timeout.InfiniteTimeSpan));
        await WaitUntilWaiters("a", 1);
        await a.ReleaseAsync();
        await using var c = await waiting;
        Assert.Equal(c.Owner, await _client.WhereIsAsync("a"));
    }

    [Fact]
    public async Task LockAsync_waits_for_the_release_and_dispose_releases()
    {
        var first = await _client.LockAsync("w");
        var second = _client.LockAsync("w", LockOptions.Within(Timeout.InfiniteTimeSpan));
        await WaitUntilWaiters("w", 1);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        await using var h2 = await second;
        Assert.True(h2.FencingToken > first.FencingToken);
        await first.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task LockAsync_times_out_with_LockTimeoutException_naming_the_key()
    {
        await using var held = await _client.LockAsync("slow");
        var e = await Assert.ThrowsAsync<LockTimeoutException>(() => _client.LockAsync("slow", LockOptions.Within(TimeSpan.FromMilliseconds(50))));
        Assert.Equal(["slow"], e.Keys);
        Assert.IsAssignableFrom<LockException>(e);
        Assert.Equal(LockFailure.Timeout, e.Cause);
        Assert.Empty((await StatusOf("slow")).Waiters);
    }

    [Fact]
    public async Task LockAllAsync_grants_all_keys_in_the_given_order()
    {
        await using var h = await _client.LockAllAsync(new object[] { "z", "a", 3 });
        Assert.Equal(new object[] { "z", "a", 3 }, h.Keys);
        Assert.True(h.Grant.IsMulti);
        foreach (var k in h.Keys)
        {
            Assert.Equal(h.Owner, await _client.WhereIsAsync(k));
        }
    }

    [Fact]
    public async Task Bad_key_lists_throw_ArgumentException_before_anything_is_locked()
    {
        var dup = await Assert.ThrowsAsync<ArgumentException>(() => _client.LockAllAsync(["x", "y", "x"]));
        Assert.Contains("\"x\"", dup.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => _client.LockAllAsync(Array.Empty<string>()));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.LockAllAsync(new[] { "x", null }));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _client.LockAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _client.LockAllAsync((string[])null!));

        Assert.Null(await _client.WhereIsAsync("x"));
        Assert.Null(await _client.WhereIsAsync("y"));
    }

    [Fact]
    public async Task WithLockAsync_returns_the_body_result_and_releases()
    {
        var result = await _client.WithLockAsync("with", async h =>
        {
            Assert.Equal(h.Owner, await _client.WhereIsAsync("with"));
            return 42;
        });
        Assert.Equal(42, result);
        Assert.Null(await _client.WhereIsAsync("with"));
    }

    [Fact]
    public async Task WithLockAsync_releases_and_rethrows_the_body_exception_unchanged()
    {
        var thrown = new InvalidOperationException("boom");
        var caught = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _client.WithLockAllAsync(["e1", "e2"], _ => Task.FromException(thrown)));
        Assert.Same(thrown, caught);
        Assert.Null(await _client.WhereIsAsync("e1"));
        Assert.Null(await _client.WhereIsAsync("e2"));
    }

    [Fact]
    public async Task WithLockAsync_never_runs_the_body_when_the_lock_is_not_granted()
    {
        await using var held = await _client.LockAsync("never");
        var ran = false;
        await Assert.ThrowsAsync<LockTimeoutException>(() =>
            _client.WithLockAsync("never", _ => { ran = true; return Task.CompletedTask; }, LockOptions.Within(TimeSpan.Zero)));
        Assert.False(ran);
    }

    [Fact]
    public async Task GetMetaAsync_returns_the_manager_metadata() =>
        Assert.Equal("orders-db", await _client.GetMetaAsync());
}

using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

// The calls a .NET user writes first, exactly as written: each must compile without a cast and do
// what it reads as. A compile error here means a verb's signature fights its callers again.
public sealed class NaturalCallsSpecs : TestKit
{
    private readonly LockClient _client;

    public NaturalCallsSpecs()
    {
        _client = new LockClient(Sys.ActorOf(LockManager.Props()));
    }

    [Fact]
    public async Task Null_default_and_a_named_token_compile_for_every_verb()
    {
        using var cts = new CancellationTokenSource();

        await using (var a = await _client.LockAsync("k", null, default)) { }
        await using (var b = await _client.LockAsync("k", cancellationToken: cts.Token)) { }
        await using (var c = await _client.LockAsync("k", LockOptions.Shared, cts.Token)) { }
        await using (var d = await _client.TryLockAsync("k", null, default)) { Assert.NotNull(d); }
        await using (var e = await _client.TryLockAsync("k", cancellationToken: cts.Token)) { Assert.NotNull(e); }
        await using (var f = await _client.LockAllAsync(["a", "b"], null, default)) { }
        await using (var g = await _client.TryLockAllAsync(["a", "b"], cancellationToken: cts.Token)) { Assert.NotNull(g); }

        var sum = await _client.WithLockAsync("k", _ => Task.FromResult(1), null, default);
        await _client.WithLockAsync("k", _ => Task.CompletedTask, cancellationToken: cts.Token);
        var both = await _client.WithLockAllAsync(["a", "b"], h => Task.FromResult(h.Keys.Count), LockOptions.Within(TimeSpan.FromSeconds(5)));
        await _client.WithLockAllAsync(["a", "b"], _ => Task.CompletedTask, cancellationToken: cts.Token);

        Assert.Equal(1, sum);
        Assert.Equal(2, both);
    }

    [Fact]
    public async Task Keys_of_any_type_compile_for_the_multi_key_verbs()
    {
        await using var ints = await _client.LockAllAsync(new[] { 1, 2 });
        await using var guids = await _client.LockAllAsync(new List<Guid> { Guid.NewGuid() });
        await using var longs = await _client.TryLockAllAsync([3L, 4L]);

        Assert.Equal(new object[] { 1, 2 }, ints.Keys);
        Assert.Single(guids.Keys);
        Assert.NotNull(longs);
        Assert.Equal(ints.Owner, await _client.WhereIsAsync(2));
    }

    [Fact]
    public async Task One_string_is_refused_as_a_key_list_instead_of_locking_its_characters()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => _client.LockAllAsync("ab"));

        Assert.Equal("keys", e.ParamName);
        Assert.Null(await _client.WhereIsAsync('a'));
    }

    [Fact]
    public async Task A_nested_lock_on_a_key_the_flow_holds_is_refused_at_once_instead_of_hanging()
    {
        var refusal = await _client.WithLockAsync("acct:a", async _ =>
            await Assert.ThrowsAsync<LockRefusedException>(() =>
                _client.WithLockAllAsync(["acct:a", "acct:b"], _ => Task.CompletedTask, LockOptions.Within(Timeout.InfiniteTimeSpan))));

        Assert.Equal(LockFailure.SelfDeadlock, refusal.Cause);
        Assert.Contains("\"acct:a\"", refusal.Message);
        Assert.Null(await _client.WhereIsAsync("acct:b"));

        // Other keys nest freely, and the flow beside the body is not affected.
        var inner = await _client.WithLockAsync("outer", _ => _client.WithLockAsync("inner", h => Task.FromResult(h.Key)));
        Assert.Equal("inner", inner);
    }

    [Fact]
    public async Task A_try_with_a_timeout_waits_and_gives_null_when_it_runs_out()
    {
        await using var held = await _client.LockAsync("busy");

        var attempt = await _client.TryLockAsync("busy", LockOptions.Within(TimeSpan.FromMilliseconds(100)));
        var waited = _client.TryLockAsync("busy", LockOptions.Within(Timeout.InfiniteTimeSpan));
        await held.ReleaseAsync();

        Assert.Null(attempt);
        await using var granted = await waited.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(granted);
    }
}

using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

// LockClient's LockOptions overloads: shared locks, semaphore permits and priorities from async code.
public sealed class LockOptionsSpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    private readonly LockClient _client;

    public LockOptionsSpecs()
    {
        _client = new LockClient(Sys.ActorOf(LockManager.Props(new LockManagerSettings())));
    }

    private async Task WaitUntilWaiters(object key, int count) =>
        await AwaitAssertAsync(async () => Assert.Equal(count, (await _client.InspectAsync(key)).Waiters.Count), Long);

    [Fact]
    public async Task Shared_handles_hold_together_and_an_exclusive_one_waits_for_both()
    {
        await using var r1 = await _client.LockAsync("doc", LockOptions.Shared);
        await using var r2 = await _client.TryLockAsync("doc", LockOptions.Shared);
        Assert.NotNull(r2);
        Assert.Equal(LockMode.Shared, r1.Mode);
        Assert.Null(await _client.TryLockAsync("doc"));

        var writer = _client.LockAsync("doc", LockOptions.Exclusive with { Timeout = Timeout.InfiniteTimeSpan });
        await WaitUntilWaiters("doc", 1);
        await r1.ReleaseAsync();
        Assert.False(writer.IsCompleted);
        await r2!.ReleaseAsync();

        await using var w = await writer.WaitAsync(Long);
        Assert.Equal(LockMode.Exclusive, w.Mode);
    }

    [Fact]
    public async Task A_semaphore_limits_how_many_bodies_run_at_once()
    {
        var running = 0;
        var peak = 0;
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var started = new SemaphoreSlim(0);

        var bodies = Enumerable.Range(0, 6).Select(i => _client.WithLockAsync("pool",
            async h =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                started.Release();
                await gates[i % 3].Task;
                Interlocked.Decrement(ref running);
            }, LockOptions.Semaphore(3) with { Timeout = Timeout.InfiniteTimeSpan })).ToList();

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await started.WaitAsync(Long));
        }

        await WaitUntilWaiters("pool", 3);
        Assert.Equal(3, (await _client.InspectAsync("pool")).PermitsHeld);
        foreach (var gate in gates)
        {
            gate.SetResult();
        }

        await Task.WhenAll(bodies).WaitAsync(Long);
        Assert.Equal(3, peak);
    }

    [Fact]
    public async Task A_priority_wait_is_granted_before_earlier_default_ones()
    {
        var held = await _client.LockAsync("printer");
        var plain = _client.LockAsync("printer", LockOptions.Within(Timeout.InfiniteTimeSpan));
        await WaitUntilWaiters("printer", 1);
        var vip = _client.LockAsync("printer", new LockOptions { Priority = 1, Timeout = Timeout.InfiniteTimeSpan });
        await WaitUntilWaiters("printer", 2);

        await held.ReleaseAsync();

        await using (var v = await vip.WaitAsync(Long))
        {
            Assert.False(plain.IsCompleted);
        }

        await using var p = await plain.WaitAsync(Long);
    }

    [Fact]
    public async Task Invalid_options_throw_before_anything_is_sent_and_a_capacity_mismatch_is_refused()
    {
        var tooMany = await Assert.ThrowsAsync<ArgumentException>(() => _client.LockAsync("pool", LockOptions.Semaphore(2, permits: 3)));
        Assert.Contains("permits 3 is above the capacity 2", tooMany.Message);
        Assert.Equal("options", tooMany.ParamName);
        await Assert.ThrowsAsync<ArgumentException>(() => _client.TryLockAsync("pool", new LockOptions { Mode = LockMode.Shared, Capacity = 2 }));
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => new LockOptions { Permits = 0 });
        Assert.Equal(nameof(LockOptions.Permits), zero.ParamName);
        Assert.Contains("got 0", zero.Message);
        Assert.Null((await _client.InspectAsync("pool")).Owner);

        await using var held = await _client.LockAsync("pool", LockOptions.Semaphore(2));
        var mismatch = await Assert.ThrowsAsync<LockRefusedException>(() => _client.LockAsync("pool", LockOptions.Semaphore(5)));
        Assert.Equal(LockFailure.CapacityMismatch, mismatch.Cause);
        Assert.Equal("pool", mismatch.Key);

        // A refusal names every key of the request, and the key the manager objected to.
        var both = await Assert.ThrowsAsync<LockRefusedException>(() => _client.LockAllAsync(["other", "pool"], LockOptions.Semaphore(5)));
        Assert.Equal(new object[] { "other", "pool" }, both.Keys);
        Assert.Equal("pool", both.OffendingKey);
    }

    [Fact]
    public async Task Cancelling_a_shared_wait_withdraws_it_and_nothing_leaks()
    {
        await using var writer = await _client.LockAsync("doc");
        using var cts = new CancellationTokenSource();
        var reader = _client.LockAsync("doc", LockOptions.Shared with { Timeout = Timeout.InfiniteTimeSpan }, cts.Token);
        await WaitUntilWaiters("doc", 1);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader);
        await WaitUntilWaiters("doc", 0);
        await writer.ReleaseAsync();
        Assert.Null(await _client.WhereIsAsync("doc"));
    }

    [Fact]
    public async Task WithLockAllAsync_takes_every_key_shared()
    {
        await using var other = await _client.LockAsync("a", LockOptions.Shared);

        var seen = await _client.WithLockAllAsync(["a", "b"], async h =>
        {
            var status = await _client.InspectAsync("a");
            return (h.Mode, status.Holders.Count);
        }, LockOptions.Shared);

        Assert.Equal((LockMode.Shared, 2), seen);
        Assert.Single((await _client.InspectAsync("a")).Holders);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

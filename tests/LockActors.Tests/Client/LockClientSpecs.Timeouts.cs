using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

public sealed partial class LockClientSpecs
{
    [Fact]
    public async Task The_longest_request_timeout_works_and_a_longer_one_is_refused_by_name()
    {
        var client = new LockClient(_locks, new LockClientOptions { RequestTimeout = LockClientOptions.MaxRequestTimeout });
        var handle = await client.LockAsync("patient");
        await handle.ReleaseAsync();
        Assert.Null(await client.WhereIsAsync("patient"));

        foreach (var bad in new[] { TimeSpan.MaxValue, LockClientOptions.MaxRequestTimeout + TimeSpan.FromMilliseconds(1), TimeSpan.Zero, Timeout.InfiniteTimeSpan })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LockClientOptions { RequestTimeout = bad });
            Assert.Contains(bad.ToString(), e.Message);
            Assert.Equal(nameof(LockClientOptions.RequestTimeout), e.ParamName);
        }
    }

    [Fact]
    public async Task A_request_to_a_silent_manager_is_refused_as_unavailable()
    {
        var silent = CreateTestProbe();
        var client = new LockClient(silent.Ref, new LockClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(100) });
        var query = await Assert.ThrowsAsync<LockRefusedException>(() => client.WhereIsAsync("k"));
        var attempt = await Assert.ThrowsAsync<LockRefusedException>(() => client.TryLockAsync("k"));
        Assert.Equal(LockFailure.ManagerUnavailable, query.Cause);
        Assert.Equal(LockFailure.ManagerUnavailable, attempt.Cause);
        Assert.Equal("k", attempt.Key);
        Assert.Contains("did not answer", attempt.Message);
    }

    [Fact]
    public async Task Each_request_to_a_silent_manager_times_out_on_its_own_clock()
    {
        var timeout = TimeSpan.FromMilliseconds(300);
        var silent = CreateTestProbe();
        var client = new LockClient(silent.Ref, new LockClientOptions { RequestTimeout = timeout });

        var first = Timed(client.TryLockAsync("a"));
        await Task.Delay(150);
        var second = Timed(client.TryLockAsync("b"));
        var third = Timed(client.TryLockAsync("c", LockOptions.Shared));

        // Never before its own deadline (a little slack for the coarse tick clock), however late.
        foreach (var request in new[] { first, second, third })
        {
            var elapsed = await request;
            Assert.True(elapsed >= timeout - TimeSpan.FromMilliseconds(30), $"timed out after {elapsed}");
        }

        static async Task<TimeSpan> Timed(Task request)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAsync<LockRefusedException>(() => request);
            return clock.Elapsed;
        }
    }

    [Fact]
    public async Task A_request_still_times_out_after_its_reference_left_the_clock_idle()
    {
        var silent = CreateTestProbe();
        var client = new LockClient(silent.Ref, new LockClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(150) });

        // The held lock's reference answered its only request: nothing of it is in flight.
        var held = await ProbeManager.GrantAsync(client, silent, "held", Long);

        // Another request times out: the clock ran and found the held lock's reference idle.
        await Assert.ThrowsAsync<LockRefusedException>(() => client.TryLockAsync("other").WaitAsync(Long));

        // Its next request starts the clock again (the client's time-out, not the test's).
        var e = await Assert.ThrowsAsync<LockRefusedException>(() => held.ReleaseAsync().WaitAsync(Long));
        Assert.Contains("did not answer Release", e.Message);
        silent.ExpectMsg<TryLock>(Long);
        silent.ExpectMsg<Release>(Long);
    }

    [Fact]
    public async Task A_cancelled_request_to_a_silent_manager_still_ends_when_it_times_out()
    {
        var silent = CreateTestProbe();
        var client = new LockClient(silent.Ref, new LockClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });
        using var cts = new CancellationTokenSource();
        var request = client.TryLockAsync("k", cancellationToken: cts.Token);
        silent.ExpectMsg<TryLock>(Long);

        // The cancellation waits for the manager's final answer, which never comes: the time-out ends it.
        await cts.CancelAsync();
        await Assert.ThrowsAsync<LockRefusedException>(() => request.WaitAsync(Long));
    }
}

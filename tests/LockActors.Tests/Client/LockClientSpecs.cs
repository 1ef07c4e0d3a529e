using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

// LockClient gives ordinary async code the whole protocol: handles release on dispose, waits
// are withdrawn on cancellation without ever leaking a grant, and errors name their keys.
public sealed class LockClientSpecs : TestKit
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
    public async Task Cancelling_a_wait_withdraws_it_and_throws_OperationCanceledException()
    {
        await using var held = await _client.LockAsync("c");
        using var cts = new CancellationTokenSource();
        var waiting = _client.LockAsync("c", LockOptions.Within(Timeout.InfiniteTimeSpan), cts.Token);
        await WaitUntilWaiters("c", 1);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Empty((await StatusOf("c")).Waiters);
        Assert.Equal(held.Owner, await _client.WhereIsAsync("c"));
    }

    [Fact]
    public async Task A_grant_that_crosses_a_cancellation_is_released_never_leaked()
    {
        // Release and cancel race many times; whichever wins, the key must end up free.
        for (var i = 0; i < 50; i++)
        {
            var key = $"cross-{i}";
            var held = await _client.LockAsync(key);
            using var cts = new CancellationTokenSource();
            var waiting = _client.LockAsync(key, LockOptions.Within(Timeout.InfiniteTimeSpan), cts.Token);
            await WaitUntilWaiters(key, 1);

            var release = held.ReleaseAsync();
            await cts.CancelAsync();
            await release;

            try
            {
                var won = await waiting.WaitAsync(Long);
                await won.DisposeAsync();
            }
            catch (OperationCanceledException)
            {
                // The cancellation won: the wait was withdrawn or the crossed grant handed back.
            }

            await AwaitAssertAsync(async () => Assert.Null((await StatusOf(key)).Owner), Long);
        }
    }

    [Fact]
    public async Task ReleaseAsync_twice_throws_ReleaseException_and_dispose_does_not()
    {
        var h = await _client.LockAsync("twice");
        await h.ReleaseAsync();
        var e = await Assert.ThrowsAsync<ReleaseException>(() => h.ReleaseAsync());
        Assert.Equal(LockFailure.NotLocked, e.Cause);
        Assert.Contains("\"twice\"", e.Message);
        await h.DisposeAsync();
    }

    [Fact]
    public async Task GiveAwayAsync_moves_the_lock_to_the_heir()
    {
        var heir = CreateTestProbe();
        var h = await _client.LockAsync("gift");
        await h.GiveAwayAsync(heir.Ref, "data");

        var transfer = heir.ExpectMsg<LockTransferred>(Long);
        Assert.Equal(h.Owner, transfer.From);
        Assert.Equal("data", transfer.GiftData);
        Assert.True(transfer.Grant.FencingToken > h.FencingToken);
        Assert.Equal(heir.Ref, await _client.WhereIsAsync("gift"));

        var e = await Assert.ThrowsAsync<ReleaseException>(() => h.ReleaseAsync());
        Assert.Equal(LockFailure.NotOwner, e.Cause);
        Assert.Equal(heir.Ref, e.CurrentOwner);
        await h.DisposeAsync();
    }

    [Fact]
    public async Task GoodbyeAsync_without_owner_releases_every_held_handle()
    {
        var gone = await _client.LockAsync("g0");
        await gone.ReleaseAsync();
        var b = await _client.LockAllAsync(["g3", "g2"]);
        var a = await _client.LockAsync("g1"); // b took the released handle's owner; a has a new one
        var released = await _client.GoodbyeAsync();
        Assert.Equal(new object[] { "g3", "g2", "g1" }, released); // oldest grant first, keys as requested
        Assert.False(a.IsHeld);
        Assert.False(b.IsHeld);
        Assert.Null(await _client.WhereIsAsync("g2"));
    }

    [Fact]
    public async Task GiveAwayAsync_to_the_owner_itself_is_refused_and_the_handle_stays_held()
    {
        var h = await _client.LockAsync("gift-self");
        var e = await Assert.ThrowsAsync<LockRefusedException>(() => h.GiveAwayAsync(h.Owner));
        Assert.Equal(LockFailure.AlreadyOwner, e.Cause);
        Assert.True(h.IsHeld);

        await h.ReleaseAsync();
        Assert.Null(await _client.WhereIsAsync("gift-self"));
    }

    [Fact]
    public async Task A_release_that_times_out_ends_a_client_made_owner_and_keeps_an_explicit_owners_handle()
    {
        // A manager that grants and then falls silent.
        var silent = CreateTestProbe();
        silent.IgnoreMessages(m => m is Release);
        Task<LockHandle> Granted(LockClient client) => ProbeManager.GrantAsync(client, silent, "k", Long);

        var quick = new LockClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(100) };
        var own = await Granted(new LockClient(silent.Ref, quick));
        await Assert.ThrowsAsync<LockRefusedException>(() => own.ReleaseAsync());
        Assert.False(own.IsHeld); // its owner is stopped, which frees the keys at a real manager

        var explicitOwner = CreateTestProbe();
        var client = new LockClient(silent.Ref, new LockClientOptions { Owner = explicitOwner.Ref, RequestTimeout = TimeSpan.FromMilliseconds(100) });
        var held = await Granted(client);
        await Assert.ThrowsAsync<LockRefusedException>(() => held.ReleaseAsync());
        Assert.True(held.IsHeld); // nothing else would release it: the caller may retry
        await Assert.ThrowsAsync<LockRefusedException>(() => held.DisposeAsync().AsTask());
        Assert.True(held.IsHeld);

        var disposed = await Granted(new LockClient(silent.Ref, quick));
        await disposed.DisposeAsync(); // a client-made owner's dispose never throws for a time-out
        Assert.False(disposed.IsHeld);
    }

    [Fact]
    public async Task A_client_with_an_explicit_owner_locks_for_that_owner()
    {
        var owner = CreateTestProbe();
        var client = new LockClient(_locks, new LockClientOptions { Owner = owner.Ref });
        var h = await client.LockAsync("mine");
        Assert.Equal(owner.Ref, h.Owner);
        Assert.Equal(owner.Ref, await client.WhereIsAsync("mine"));

        var self = await Assert.ThrowsAsync<LockRefusedException>(() => client.LockAsync("mine"));
        Assert.Equal(LockFailure.SelfDeadlock, self.Cause);
        Assert.Equal("mine", self.Key);

        await client.LockAsync("mine2");
        var released = await client.GoodbyeAsync();
        Assert.Equal(2, released.Count);
        Assert.False(h.IsHeld);
        Assert.Null(await client.WhereIsAsync("mine"));
    }

    [Fact]
    public async Task Stopping_an_explicit_owner_frees_its_keys_and_a_later_release_reports_the_loss()
    {
        var owner = CreateTestProbe();
        var client = new LockClient(_locks, new LockClientOptions { Owner = owner.Ref });
        var h = await client.LockAsync("crash");
        Watch(owner.Ref);
        Sys.Stop(owner.Ref);
        ExpectTerminated(owner.Ref, Long);
        await AwaitAssertAsync(async () => Assert.Null(await _client.WhereIsAsync("crash")), Long);

        var e = await Assert.ThrowsAsync<ReleaseException>(() => h.ReleaseAsync());
        Assert.Equal(LockFailure.NotLocked, e.Cause);
        Assert.True(h.HandleLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task HandleLostToken_is_cancelled_when_the_manager_stops()
    {
        var h = await _client.LockAsync("lost");
        var lost = new TaskCompletionSource();
        h.HandleLostToken.Register(() => lost.TrySetResult());
        Sys.Stop(_locks);
        await lost.Task.WaitAsync(Long);
        await h.DisposeAsync(); // never throws for a lost lock
    }

    [Fact]
    public async Task HandleLostToken_read_only_after_the_loss_is_already_cancelled()
    {
        var h = await _client.LockAsync("lost-later");
        Watch(_locks);
        Sys.Stop(_locks);
        ExpectTerminated(_locks, Long);

        // LockLost reached the handle's owner before the manager terminated; nobody had asked for the token yet.
        Assert.True(h.HandleLostToken.IsCancellationRequested);
        await h.DisposeAsync().AsTask().WaitAsync(Long); // nothing to release, and no request to time out
        Assert.False(h.IsHeld);
    }

    [Fact]
    public async Task GetMetaAsync_returns_the_manager_metadata() =>
        Assert.Equal("orders-db", await _client.GetMetaAsync());

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

    [Fact]
    public async Task Many_concurrent_handles_of_one_client_with_cancellations_leave_every_key_free()
    {
        var keys = Enumerable.Range(0, 4).Select(i => (object)$"stress-{i}").ToArray();
        var granted = 0;
        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var rng = new Random(w);
            for (var i = 0; i < 150; i++)
            {
                var key = keys[rng.Next(keys.Length)];
                using var cts = new CancellationTokenSource();
                if (rng.Next(3) == 0)
                {
                    cts.CancelAfter(TimeSpan.FromMilliseconds(rng.Next(3)));
                }

                try
                {
                    await using var h = rng.Next(2) == 0
                        ? await _client.LockAsync(key, LockOptions.Within(Timeout.InfiniteTimeSpan), cts.Token)
                        : await _client.LockAsync(key, LockOptions.Within(TimeSpan.Zero), cts.Token);
                    Interlocked.Increment(ref granted);
                }
                catch (Exception e) when (e is OperationCanceledException or LockTimeoutException)
                {
                    // Lost the race for the key, or cancelled: either way nothing may stay held.
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(granted > 0);
        Assert.Empty(await _client.GoodbyeAsync());
        foreach (var key in keys)
        {
            await AwaitAssertAsync(async () =>
            {
                var status = await StatusOf(key);
                Assert.Null(status.Owner);
                Assert.Empty(status.Waiters);
            }, Long);
        }
    }
}

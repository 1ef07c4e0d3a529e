using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

public sealed partial class LockClientSpecs
{
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

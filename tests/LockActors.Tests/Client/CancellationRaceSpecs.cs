using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace LockActors.Tests.Client;

// A client reuses the owner reference of a cleanly ended lock for a later call. A cancellation that
// fires after its call was answered must never reach the call that reuses the reference: token-less
// calls are never cancelled, and every release completes.
public sealed class CancellationRaceSpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_late_cancellation_never_reaches_the_next_call_on_a_reused_owner()
    {
        const int cancellers = 6, waiters = 6, rounds = 1500;
        var locks = Sys.ActorOf(LockManager.Props());
        await using var busy = await new LockClient(locks).LockAsync("busy");
        var client = new LockClient(locks);
        var cancellersDone = 0;

        async Task CancelAtRandomAsync(int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < rounds; i++)
            {
                using var cts = new CancellationTokenSource();
                var spin = random.Next(0, 4000);
                var trying = client.TryLockAsync("busy", cancellationToken: cts.Token);
                var cancelling = Task.Run(() =>
                {
                    Thread.SpinWait(spin);
                    cts.Cancel();
                });
                try
                {
                    Assert.Null(await trying);
                }
                catch (OperationCanceledException)
                {
                    // The cancellation won; so it may.
                }

                await cancelling;
            }

            Interlocked.Increment(ref cancellersDone);
        }

        async Task<(int Calls, int Failures)> WaitWithoutTokenAsync(int index)
        {
            var calls = 0;
            var failures = 0;
            while (Volatile.Read(ref cancellersDone) < cancellers && calls < rounds * 4)
            {
                calls++;
                try
                {
                    var handle = await client.LockAsync($"free-{index}", LockOptions.Within(TimeSpan.FromSeconds(2)));
                    await handle.DisposeAsync().AsTask().WaitAsync(Long);
                }
                catch (Exception e) when (e is OperationCanceledException or TimeoutException or InvalidCastException)
                {
                    failures++;
                }
            }

            return (calls, failures);
        }

        var cancelling = Enumerable.Range(0, cancellers).Select(i => Task.Run(() => CancelAtRandomAsync(i)));
        var waiting = Enumerable.Range(0, waiters).Select(i => Task.Run(() => WaitWithoutTokenAsync(i))).ToList();
        await Task.WhenAll(cancelling).WaitAsync(Long * 4);
        var results = await Task.WhenAll(waiting).WaitAsync(Long * 4);

        Assert.All(results, r => Assert.True(r.Calls > 0));
        Assert.Equal(0, results.Sum(r => r.Failures));
        for (var i = 0; i < waiters; i++)
        {
            Assert.Null(await client.WhereIsAsync($"free-{i}"));
        }
    }
}

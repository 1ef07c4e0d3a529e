using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// The persistent manager's node goes away (crash, leave): the manager starts on the next oldest
/// node from the shared journal, every holder keeps its grant and token and is told nothing, and
/// the waiters are served in the order they queued.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ManagerFailoverSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task A_crashed_manager_node_keeps_every_holder_and_the_waiters_order()
    {
        await using var cluster = await ThreeNodes.StartAsync("X", SharedCluster.Options);
        await using var held = await HoldersAndWaitersAsync(cluster);

        var clock = Stopwatch.StartNew();
        await cluster.First.CrashAsync(cluster.Second, cluster.Third);
        await held.AssertKeptAsync(clock, output);
    }

    [Fact]
    public async Task A_manager_node_that_leaves_keeps_every_holder_and_the_waiters_order()
    {
        await using var cluster = await ThreeNodes.StartAsync("L", SharedCluster.Options);
        await using var held = await HoldersAndWaitersAsync(cluster);

        var clock = Stopwatch.StartNew();
        await cluster.First.LeaveAsync();
        await held.AssertKeptAsync(clock, output);
    }

    /// <summary>
    /// Holders on the second and third nodes (one key each), and two waiters for the second
    /// node's key: the third node's first, then the second node's.
    /// </summary>
    private static async Task<HoldersAndWaiters> HoldersAndWaitersAsync(ThreeNodes cluster)
    {
        var patiently = LockOptions.Within(TimeSpan.FromSeconds(90));
        var onSecond = await cluster.Second.Locks.LockAsync("ledger", patiently);
        var onThird = await cluster.Third.Locks.LockAsync("journal", patiently);
        var firstWaiter = cluster.Third.Locks.LockAsync("ledger", patiently);
        await QueuedAsync(cluster.Third, "ledger", 1);
        var secondWaiter = cluster.Second.Locks.LockAsync("ledger", patiently);
        await QueuedAsync(cluster.Third, "ledger", 2);
        var queue = (await cluster.Third.Locks.InspectAsync("ledger")).Waiters.Select(w => w.Path.ToStringWithoutAddress()).ToArray();
        return new HoldersAndWaiters(cluster, [onSecond, onThird], firstWaiter, secondWaiter, queue);
    }

    private static async Task QueuedAsync(ClusterNode node, string key, int count)
    {
        var clock = Stopwatch.StartNew();
        while ((await node.Locks.InspectAsync(key)).Queue.Count < count)
        {
            Assert.True(clock.Elapsed < TestProfile.Patience, $"{count} waiters for {key} never reached the manager");
        }
    }

    private sealed class HoldersAndWaiters(
        ThreeNodes cluster, LockHandle[] holders, Task<LockHandle> firstWaiter, Task<LockHandle> secondWaiter, string[] queueBefore)
        : IAsyncDisposable
    {
        public async Task AssertKeptAsync(Stopwatch clock, ITestOutputHelper output)
        {
            var lost = holders.Select(h => h.HandleLostToken).ToArray();

            var ledger = await cluster.Third.InspectThroughFailoverAsync("ledger");
            var failover = clock.Elapsed;
            var journal = await cluster.Third.Locks.InspectAsync("journal");
            output.WriteLine($"manager's node gone -> new manager answered after {failover.TotalSeconds:F1} s");

            Assert.Equal(holders[0].FencingToken, ledger.FencingToken);
            Assert.Equal(holders[1].FencingToken, journal.FencingToken);
            Assert.Equal(queueBefore, ledger.Waiters.Select(w => w.Path.ToStringWithoutAddress()));
            Assert.All(lost, token => Assert.False(token.IsCancellationRequested, "a holder was told its lock was lost"));
            Assert.False(firstWaiter.IsCompleted || secondWaiter.IsCompleted, "a waiter was answered while the key was held");

            await holders[0].ReleaseAsync();
            await using var first = await firstWaiter.WaitAsync(TestProfile.Patience);
            Assert.True(first.FencingToken > holders[0].FencingToken, $"token {first.FencingToken} after {holders[0].FencingToken}");
            Assert.False(secondWaiter.IsCompleted, "the second waiter was served before the first");
            await first.ReleaseAsync();
            await using var second = await secondWaiter.WaitAsync(TestProfile.Patience);
            Assert.True(second.FencingToken > first.FencingToken, $"token {second.FencingToken} after {first.FencingToken}");
            await holders[1].ReleaseAsync();
            output.WriteLine($"holders kept tokens {holders[0].FencingToken} and {holders[1].FencingToken}; waiters served in order at {clock.Elapsed.TotalSeconds:F1} s");
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }
        }
    }
}

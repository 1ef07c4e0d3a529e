using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// The manager without persistence: a graceful hand-over loses every lock, and says so to every
/// owner and waiter; after a crash nobody is left to say so, and a holder learns it when its
/// release is refused. Either way the new manager on the next oldest node serves the cluster.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InMemoryManagerSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task A_manager_node_that_leaves_tells_every_owner_and_waiter_and_the_next_manager_takes_over()
    {
        await using var cluster = await ThreeNodes.StartAsync("M", SharedCluster.Options with { Persistent = false });
        var held = await cluster.Second.Locks.LockAsync("in-memory", LockOptions.Within(TestProfile.Patience));
        var waiting = cluster.Third.Locks.LockAsync("in-memory", LockOptions.Within(TestProfile.Patience));
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        held.HandleLostToken.Register(() => lost.TrySetResult());
        while ((await cluster.Second.Locks.InspectAsync("in-memory")).Queue.Count == 0)
        {
            Assert.False(waiting.IsCompleted, "the wait ended before the manager's node left");
        }

        var clock = Stopwatch.StartNew();
        await cluster.First.LeaveAsync();
        await lost.Task.WaitAsync(TestProfile.Patience);
        var refused = await Assert.ThrowsAsync<LockRefusedException>(() => waiting);
        Assert.Equal(LockFailure.ManagerRestarted, refused.Cause);
        output.WriteLine($"manager node left: holder told at {clock.Elapsed.TotalSeconds:F1} s");

        // The next oldest node now runs an empty manager, reached through the same proxies.
        await using var again = await cluster.Third.Locks.LockAsync("in-memory", LockOptions.Within(TestProfile.Patience));
        Assert.True(again.FencingToken > held.FencingToken, $"token {again.FencingToken} after {held.FencingToken}");
        output.WriteLine($"new manager granted at {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task After_a_manager_node_crash_the_locks_are_gone_and_a_holder_learns_it_at_its_release()
    {
        await using var cluster = await ThreeNodes.StartAsync("N", SharedCluster.Options with { Persistent = false });
        var held = await cluster.Second.Locks.LockAsync("in-memory", LockOptions.Within(TestProfile.Patience));

        var clock = Stopwatch.StartNew();
        await cluster.First.CrashAsync(cluster.Second, cluster.Third);

        // The next oldest node runs an empty manager: the key is free there.
        var status = await cluster.Third.InspectThroughFailoverAsync("in-memory");
        output.WriteLine($"manager node crashed: new manager answered at {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Empty(status.Holders);
        Assert.False(held.HandleLostToken.IsCancellationRequested, "a crashed manager told a holder something");

        var refused = await Assert.ThrowsAsync<ReleaseException>(() => held.ReleaseAsync());
        Assert.Equal(LockFailure.NotLocked, refused.Cause);
    }
}

using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// The manager without persistence: a graceful hand-over loses every lock, and says so to every
/// owner and waiter; the new manager on the next oldest node serves the cluster.
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
}

using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// The node of a lock's owner goes away (crash, leave, partition): its keys pass to a waiter on
/// another node, with a larger fencing token, once the cluster has removed that node.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OwnerNodeSpecs(SharedCluster cluster, ITestOutputHelper output)
{
    /// <summary>How long after the removal of the owner's node its keys must have moved on.</summary>
    private static readonly TimeSpan HandOver = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_crashed_owner_node_frees_its_keys_to_a_waiter_elsewhere_after_failure_detection_and_stable_after()
    {
        await using var owners = await cluster.AddNodeAsync();
        var (held, waiting) = await HeldAndAwaitedAsync(owners, "crash");

        var clock = Stopwatch.StartNew();
        await owners.CrashAsync(cluster.A, cluster.B);
        await using var granted = await waiting;
        var elapsed = clock.Elapsed;

        output.WriteLine($"owner node crashed -> key granted on B after {elapsed.TotalSeconds:F1} s, token {held.FencingToken} -> {granted.FencingToken}");
        Assert.True(granted.FencingToken > held.FencingToken, $"token {granted.FencingToken} after {held.FencingToken}");
        var bound = TestProfile.FailureDetection + TestProfile.StableAfter + HandOver;
        Assert.True(elapsed <= bound, $"granted after {elapsed}, bound {bound}");
    }

    [Fact]
    public async Task An_owner_node_that_leaves_gracefully_frees_its_keys_within_three_seconds()
    {
        await using var owners = await cluster.AddNodeAsync();
        var (held, waiting) = await HeldAndAwaitedAsync(owners, "leave");

        var clock = Stopwatch.StartNew();
        var seenByManagerNode = await MemberWatch.StartAsync(cluster.A, owners, clock);
        var leaving = owners.LeaveAsync();
        await using var granted = await waiting;
        var elapsed = clock.Elapsed;
        await leaving;
        var removedAt = await seenByManagerNode.Removed.WaitAsync(TestProfile.Patience);

        output.WriteLine($"owner node left -> removed at {removedAt.TotalSeconds:F1} s, key granted on B after {elapsed.TotalSeconds:F1} s, token {held.FencingToken} -> {granted.FencingToken}");
        Assert.True(granted.FencingToken > held.FencingToken, $"token {granted.FencingToken} after {held.FencingToken}");
        Assert.True(elapsed <= HandOver, $"granted after {elapsed}, bound {HandOver}");
    }

    [Fact]
    public async Task A_partition_isolating_the_owner_node_frees_its_keys_only_once_that_node_is_downed()
    {
        await using var owners = await cluster.AddNodeAsync();
        var (held, waiting) = await HeldAndAwaitedAsync(owners, "partition");

        var clock = Stopwatch.StartNew();
        var seenByManagerNode = await MemberWatch.StartAsync(cluster.A, owners, clock);
        var seenByItself = await MemberWatch.StartAsync(owners, owners, clock);
        await owners.BlackholeAsync(cluster.A, cluster.B);

        await using var granted = await waiting;
        var grantedAt = clock.Elapsed;
        var downedAt = await seenByManagerNode.Downed.WaitAsync(TestProfile.Patience);

        // The isolated side is the minority: the split brain resolver downs it, and it stops.
        await owners.System.WhenTerminated.WaitAsync(TestProfile.Patience);
        var selfDownedAt = await seenByItself.Downed.WaitAsync(TestProfile.Patience);

        output.WriteLine($"partition: owner node downed by the majority at {downedAt.TotalSeconds:F1} s, by itself at {selfDownedAt.TotalSeconds:F1} s; key granted on B at {grantedAt.TotalSeconds:F1} s");
        Assert.True(grantedAt >= downedAt, $"granted at {grantedAt}, before the owner's node was downed at {downedAt}");
        Assert.True(granted.FencingToken > held.FencingToken, $"token {granted.FencingToken} after {held.FencingToken}");
    }

    /// <summary>A key held on <paramref name="owners"/> and a wait for it queued from node B.</summary>
    private async Task<(LockHandle Held, Task<LockHandle> Waiting)> HeldAndAwaitedAsync(ClusterNode owners, string key)
    {
        var held = await owners.Locks.LockAsync(key, LockOptions.Within(TestProfile.Patience));
        var waiting = cluster.B.Locks.LockAsync(key, LockOptions.Within(TestProfile.Patience));
        var queued = Stopwatch.StartNew();
        while ((await cluster.A.Locks.InspectAsync(key)).Queue.Count == 0)
        {
            Assert.True(queued.Elapsed < TestProfile.Patience, $"B's wait for {key} never reached the manager");
            Assert.False(waiting.IsCompleted, $"B's wait for {key} ended before the owner's node went away");
        }

        return (held, waiting);
    }
}

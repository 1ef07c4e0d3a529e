using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>The registered proxy carries the whole protocol from every node, whether it may run the manager or not.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProxySpecs(SharedCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_node_locks_and_releases_through_its_proxy_and_sees_the_others_locks()
    {
        await using var proxyOnly = await cluster.AddProxyNodeAsync();
        ClusterNode[] nodes = [cluster.A, cluster.B, proxyOnly];
        foreach (var node in nodes)
        {
            var registered = await node.ManagerAsync();
            Assert.Equal($"{ClusterNode.ManagerName}-proxy", registered.Path.Name);

            var key = $"round-trip-{node.Label}";
            await using var handle = await node.Locks.LockAsync(key, LockOptions.Within(TestProfile.Patience));
            foreach (var other in nodes)
            {
                var owner = await other.Locks.WhereIsAsync(key);
                Assert.Equal(PathOf(handle.Owner, node), PathOf(owner, other));
                Assert.Null(await other.Locks.TryLockAsync(key));
            }

            await handle.ReleaseAsync();
            foreach (var other in nodes)
            {
                Assert.Null(await other.Locks.WhereIsAsync(key));
            }

            output.WriteLine($"{node}: token {handle.FencingToken} through {registered.Path}");
        }
    }

    /// <summary>The full path of <paramref name="actor"/>, as seen on <paramref name="seenOn"/>, with its node's address.</summary>
    private static string PathOf(IActorRef? actor, ClusterNode seenOn) =>
        actor is null ? "(none)"
        : actor.Path.Address.HasGlobalScope ? actor.Path.ToString()
        : actor.Path.ToStringWithAddress(seenOn.Address);
}

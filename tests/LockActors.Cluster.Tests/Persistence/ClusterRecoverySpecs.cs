using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using LockActors.Cluster.Persistence;
using Xunit;
using static LockActors.Cluster.Tests.Persistence.PersistenceTestConfig;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>In a cluster, a recovering manager releases the owners on addresses that are not members.</summary>
public sealed class ClusterRecoverySpecs() : TestKit(ConfigurationFactory.ParseString("""
    akka.actor.provider = cluster
    akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
    # The ghost owner below never answers a heartbeat: the remote watch would report it terminated
    # once this detector gives up (about 11 s by default), which a loaded machine can reach before
    # the manager is stopped. Here it gives up long after the spec is over.
    akka.remote.watch-failure-detector {
      acceptable-heartbeat-pause = 10m
      expected-response-after = 10m
    }
    """).WithFallback(InMemory))
{
    [Fact]
    public async Task Owners_on_addresses_that_are_not_members_are_released_at_recovery()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        var joined = new TaskCompletionSource();
        cluster.RegisterOnMemberUp(() => joined.TrySetResult());
        await cluster.JoinAsync(cluster.SelfAddress);
        await joined.Task.WaitAsync(Patience);

        // An owner on a node that is not (or no longer) a member: its Terminated does not come
        // while this spec runs (see the failure detector above).
        var ghost = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef($"akka.tcp://gone@127.0.0.1:1/user/owner");
        var (member, waiter) = (CreateTestProbe(), CreateTestProbe());
        var options = Options();
        var manager = Sys.ActorOf(PersistentLockManager.Props(LockManagerSettings.Default, options));
        var requester = CreateTestProbe();
        requester.Send(manager, new TryLock("orphaned") { Owner = ghost });
        requester.ExpectMsg<LockAcquired>(Patience);
        member.Send(manager, new TryLock("kept"));
        var kept = member.ExpectMsg<LockAcquired>(Patience).Grant;
        waiter.Send(manager, new Await("orphaned", Timeout.InfiniteTimeSpan));
        Assert.Equal([waiter.Ref], StatusOf(manager, "orphaned").Waiters);

        Watch(manager);
        Sys.Stop(manager);
        ExpectTerminated(manager, Patience);
        manager = Sys.ActorOf(PersistentLockManager.Props(LockManagerSettings.Default, options));

        // The first request is handled once recovery is done, before any watch of the new manager
        // could report anything: the key has already passed to the waiter.
        Assert.Equal(waiter.Ref, StatusOf(manager, "orphaned").Owner);
        Assert.Equal("orphaned", waiter.ExpectMsg<LockAcquired>(Patience).Grant.Keys[0]);
        Assert.Equal(kept.FencingToken, StatusOf(manager, "kept").FencingToken);
    }

    private KeyStatus StatusOf(IActorRef manager, string key)
    {
        var probe = CreateTestProbe();
        probe.Send(manager, new Inspect(key));
        return probe.ExpectMsg<KeyStatus>(Patience);
    }
}

using Akka.Actor;
using Xunit;

namespace LockActors.Tests.Remote;

// The client and the Tell protocol work from another node: the manager's replies reach the
// client's owner references, the manager watches them across the wire, and grants released from
// the other node are recognised.
public sealed class RemoteClientSpecs : TwoNodeSpecBase
{
    [Fact]
    public async Task The_client_locks_waits_and_releases_from_another_node()
    {
        var client = new LockClient(LocksFromB);
        var other = new LockClient(LocksFromB);

        var held = await client.TryLockAsync("x").WaitAsync(Patience);
        Assert.NotNull(held);
        Assert.Equal(PathOf(held.Owner), PathOf(await OwnerAtA("x")));
        Assert.Null(await other.TryLockAsync("x").WaitAsync(Patience));

        var waiting = other.LockAsync("x", LockOptions.Within(TimeSpan.FromSeconds(10)));
        await AwaitAssertAsync(async () => Assert.Single((await Locks.Ask<KeyStatus>(new Inspect("x"), Patience)).Waiters), Patience);
        await held.ReleaseAsync().WaitAsync(Patience);
        var next = await waiting.WaitAsync(Patience);
        Assert.Equal(PathOf(next.Owner), PathOf(await OwnerAtA("x")));

        await next.DisposeAsync();
        Assert.Null(await OwnerAtA("x"));
    }

    [Fact]
    public async Task The_client_takes_several_keys_at_once_and_gives_a_lock_away_from_another_node()
    {
        var client = new LockClient(LocksFromB);
        var all = await client.LockAllAsync(["m1", "m2"], LockOptions.Within(TimeSpan.FromSeconds(10))).WaitAsync(Patience);
        Assert.Equal(["m1", "m2"], all.Keys);
        Assert.Equal(PathOf(all.Owner), PathOf(await OwnerAtA("m2")));
        await all.ReleaseAsync().WaitAsync(Patience);
        Assert.Null(await OwnerAtA("m1"));

        var heir = ProbeOnB();
        var gift = await client.LockAsync("g").WaitAsync(Patience);
        await gift.GiveAwayAsync(heir.Ref, "with love").WaitAsync(Patience);
        var transferred = heir.ExpectMsg<LockTransferred>(Patience);
        Assert.Equal("with love", transferred.GiftData);
        Assert.Equal(PathOf(heir.Ref), PathOf(await OwnerAtA("g")));

        heir.Send(LocksFromB, new Release(transferred.Grant));
        heir.ExpectMsg<Released>(Patience);
        Assert.Null(await OwnerAtA("g"));
    }

    [Fact]
    public async Task A_lock_lost_with_its_manager_cancels_the_handles_token_on_the_other_node()
    {
        var client = new LockClient(LocksFromB);
        var handle = await client.LockAsync("lost").WaitAsync(Patience);
        var lost = new TaskCompletionSource();
        handle.HandleLostToken.Register(() => lost.TrySetResult());

        Locks.Tell(Kill.Instance); // stopped by the guardian's default strategy: every holder is told its lock is lost

        await lost.Task.WaitAsync(Patience);
        await handle.DisposeAsync();
    }

    [Fact]
    public async Task The_death_of_an_owner_on_the_other_node_frees_its_keys()
    {
        var actor = NodeB.ActorOf(Props.Empty, "owner-on-b");
        var named = new LockClient(LocksFromB, new LockClientOptions { Owner = actor });
        await named.TryLockAsync("crash-named").WaitAsync(Patience);
        Assert.Equal(PathOf(actor), PathOf(await OwnerAtA("crash-named")));

        var client = new LockClient(LocksFromB);
        var handle = await client.TryLockAsync("crash-own").WaitAsync(Patience);
        Assert.NotNull(handle);

        NodeB.Stop(actor);
        ((IInternalActorRef)handle.Owner).Stop(); // the handle's own owner reference ends

        await AwaitAssertAsync(async () =>
        {
            Assert.Null(await OwnerAtA("crash-named"));
            Assert.Null(await OwnerAtA("crash-own"));
        }, Patience);
    }

    [Fact]
    public async Task The_Tell_protocol_works_from_another_node_with_single_and_multi_key_grants()
    {
        var owner = ProbeOnB();

        owner.Send(LocksFromB, new TryLock("t"));
        var single = owner.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.Equal(["t"], single.Keys);
        owner.Send(LocksFromB, new Release(single));
        Assert.Equal(["t"], owner.ExpectMsg<Released>(Patience).Keys);

        owner.Send(LocksFromB, new Await("w", TimeSpan.FromSeconds(5)));
        var waited = owner.ExpectMsg<LockAcquired>(Patience).Grant;
        owner.Send(LocksFromB, new Release(waited));
        owner.ExpectMsg<Released>(Patience);

        owner.Send(LocksFromB, new AwaitAll(["t1", "t2"]));
        var multi = owner.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.Equal(["t1", "t2"], multi.Keys);
        owner.Send(LocksFromB, new Release(multi));
        Assert.Equal(["t1", "t2"], owner.ExpectMsg<Released>(Patience).Keys);

        Assert.Null(await OwnerAtA("t1"));
    }

    [Fact]
    public async Task Every_pending_call_ends_when_the_managers_node_goes_away()
    {
        var nodeC = ActorSystem.Create("node-c", Sys.Settings.Config);
        try
        {
            var locksOnC = nodeC.ActorOf(LockManager.Props(), "locks");
            var path = new RootActorPath(AddressOf(nodeC)) / "user" / "locks";
            var locks = await NodeB.ActorSelection(path).ResolveOne(Patience);
            var holder = new LockClient(locks);
            var client = new LockClient(locks);
            await holder.LockAsync("busy").WaitAsync(Patience);
            var pending = new[]
            {
                client.LockAsync("busy", LockOptions.Within(Timeout.InfiniteTimeSpan)),
                client.LockAllAsync(["free", "busy"]),
            };
            await AwaitAssertAsync(async () => Assert.Equal(2, (await client.InspectAsync("busy")).Waiters.Count), Patience);

            await nodeC.Terminate();

            foreach (var call in pending)
            {
                var failure = await Assert.ThrowsAsync<LockRefusedException>(() => call.WaitAsync(Patience));
                Assert.Equal(LockFailure.ManagerRestarted, failure.Cause);
            }

            var late = await Assert.ThrowsAsync<LockRefusedException>(() => client.TryLockAsync("later").WaitAsync(Patience));
            Assert.Contains("locks", late.Message);
            Assert.NotNull(locksOnC);
        }
        finally
        {
            await nodeC.Terminate();
        }
    }
}

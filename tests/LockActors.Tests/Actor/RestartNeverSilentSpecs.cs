using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: lost locks are never silent. When the manager is restarted by its supervisor or
// stopped, before its state is dropped every owner receives LockLost for each grant it held
// (listing the keys it still held), and every pending Await/AwaitAll is answered
// LockRefused(firstKey, ManagerRestarted) at its sender.
public sealed class RestartNeverSilentSpecs : LockSpecBase
{
    public RestartNeverSilentSpecs(ITestOutputHelper output) : base(output)
    {
    }

    private IActorRef RestartableManager()
    {
        var parent = Sys.ActorOf(Props.Create(() => new RestartingParent()));
        parent.Tell("who", TestActor);
        return ExpectMsg<IActorRef>(Patience);
    }

    /// <summary>The scene: one owner with a single and a multi grant, two waiters (one Await, one AwaitAll).</summary>
    private sealed record Scene(TestProbe Owner, LockGrant Single, LockGrant Multi, TestProbe Waiter, TestProbe MultiWaiter);

    private Scene SetUp(IActorRef manager)
    {
        var owner = CreateTestProbe();
        var single = Lock(manager, owner, "a");
        var multi = LockAll(manager, owner, "b", "c");
        var waiter = CreateTestProbe();
        var multiWaiter = CreateTestProbe();
        waiter.Send(manager, new Await("a", Timeout.InfiniteTimeSpan));
        multiWaiter.Send(manager, new AwaitAll(new object[] { "d", "b" }));
        AwaitWaiting(manager, "a", waiter.Ref);
        AwaitWaiting(manager, "b", multiWaiter.Ref);
        return new Scene(owner, single, multi, waiter, multiWaiter);
    }

    private static void AssertEveryoneTold(Scene scene)
    {
        var lost = new[] { scene.Owner.ExpectMsg<LockLost>(Patience), scene.Owner.ExpectMsg<LockLost>(Patience) };
        var bySingle = lost.Single(l => !l.Grant.IsMulti);
        var byMulti = lost.Single(l => l.Grant.IsMulti);
        Assert.Equal(scene.Single, bySingle.Grant);
        Assert.Equal(scene.Multi.Keys, byMulti.Grant.Keys);
        Assert.Equal(scene.Multi.FencingToken, byMulti.Grant.FencingToken);
        Assert.False(string.IsNullOrWhiteSpace(bySingle.Message));

        var refused = scene.Waiter.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.ManagerRestarted, refused.Cause);
        Assert.Equal("a", refused.Key);
        var multiRefused = scene.MultiWaiter.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.ManagerRestarted, multiRefused.Cause);
        Assert.Equal("d", multiRefused.Key);
    }

    [Fact]
    public void A_restart_by_Kill_tells_every_owner_its_lost_grants_and_refuses_every_pending_wait()
    {
        var manager = RestartableManager();
        var scene = SetUp(manager);

        manager.Tell(Kill.Instance);

        AssertEveryoneTold(scene);
        scene.Owner.ExpectNoMsg(Brief);
        scene.Waiter.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void After_a_restart_the_manager_starts_empty_and_works()
    {
        var manager = RestartableManager();
        var scene = SetUp(manager);

        manager.Tell(Kill.Instance);
        AssertEveryoneTold(scene);

        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            AssertFree(manager, key);
        }

        var newcomer = CreateTestProbe();
        Assert.Equal(newcomer.Ref, Lock(manager, newcomer, "a").Owner);
        // The old grants are worthless: releasing one fails instead of freeing someone else's key.
        scene.Owner.Send(manager, new Release(scene.Single));
        Assert.Equal(newcomer.Ref, scene.Owner.ExpectMsg<ReleaseFailed>(Patience).CurrentOwner);
    }

    [Fact]
    public void Replies_come_from_the_manager_before_and_after_a_restart()
    {
        var manager = RestartableManager();
        var owner = CreateTestProbe();

        owner.Send(manager, new TryLock("k"));
        owner.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal(manager, owner.LastSender);

        manager.Tell(Kill.Instance);
        owner.ExpectMsg<LockLost>(Patience);
        Assert.Equal(manager, owner.LastSender);

        // The restarted incarnation answers as the same manager, to a grant and to a release.
        var grant = Lock(manager, owner, "k");
        Assert.Equal(manager, owner.LastSender);
        owner.Send(manager, new Release(grant));
        owner.ExpectMsg<Released>(Patience);
        Assert.Equal(manager, owner.LastSender);
    }

    [Fact]
    public void A_lost_grant_lists_only_the_keys_still_held_under_it()
    {
        var manager = RestartableManager();
        var owner = CreateTestProbe();
        var grant = LockAll(manager, owner, "p", "q", "r");
        owner.Send(manager, new ReleaseKeys(new object[] { "q" }));
        owner.ExpectMsg<Released>(Patience);

        manager.Tell(Kill.Instance);

        var lost = owner.ExpectMsg<LockLost>(Patience);
        Assert.Equal(new object[] { "p", "r" }, lost.Grant.Keys);
        Assert.Equal(grant.FencingToken, lost.Grant.FencingToken);
        owner.ExpectNoMsg(Brief);
    }

    [Fact]
    public void An_heir_is_told_of_the_grant_it_received_and_the_giver_of_nothing()
    {
        var manager = RestartableManager();
        var giver = CreateTestProbe();
        var heir = CreateTestProbe();
        var grant = LockAll(manager, giver, "given-1", "given-2");
        giver.Send(manager, new GiveAway(grant, heir.Ref));
        var newGrant = giver.ExpectMsg<GaveAway>(Patience).NewGrant;
        heir.ExpectMsg<LockTransferred>(Patience);

        manager.Tell(Kill.Instance);

        var lost = heir.ExpectMsg<LockLost>(Patience);
        Assert.Equal(newGrant, lost.Grant);
        giver.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_refused_wait_is_answered_at_its_sender_even_for_a_named_owner()
    {
        var manager = RestartableManager();
        var holder = CreateTestProbe();
        Lock(manager, holder, "named");
        var owner = CreateTestProbe();
        var sender = CreateTestProbe();
        sender.Send(manager, new Await("named", Timeout.InfiniteTimeSpan) { Owner = owner.Ref });
        AwaitWaiting(manager, "named", owner.Ref);

        manager.Tell(Kill.Instance);

        Assert.Equal(RefusalReason.ManagerRestarted, sender.ExpectMsg<LockRefused>(Patience).Cause);
        holder.ExpectMsg<LockLost>(Patience);
        owner.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_manager_stopped_with_PoisonPill_tells_owners_and_waiters()
    {
        var manager = NewManager();
        var scene = SetUp(manager);

        manager.Tell(PoisonPill.Instance);

        AssertEveryoneTold(scene);
    }

    [Fact]
    public void A_manager_killed_under_the_default_strategy_stops_and_tells_owners_and_waiters()
    {
        var manager = NewManager();
        var scene = SetUp(manager);
        var watcher = CreateTestProbe();
        watcher.Watch(manager);

        manager.Tell(Kill.Instance);

        AssertEveryoneTold(scene);
        watcher.ExpectTerminated(manager, Patience);
    }

    [Fact]
    public void A_manager_stopped_by_its_system_tells_owners_and_waiters()
    {
        var manager = NewManager();
        var scene = SetUp(manager);

        Sys.Stop(manager);

        AssertEveryoneTold(scene);
    }

    [Fact]
    public void A_manager_with_nothing_held_stops_without_sending_anything()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Release(manager, owner, Lock(manager, owner, "gone"));

        StopAndWait(manager);

        owner.ExpectNoMsg(Brief);
    }
}

using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: a waiter that stops waiting, because its time ran out or because it died, has no
// claim left on the key. A timed-out waiter gets exactly one LockTimedOut and nothing later,
// keeps the keys it already held, and may wait again; a dead waiter is never granted anything;
// and the keys of a dead owner go to their waiters, each to the right one.
public sealed class WaiterGuaranteeSpecs : LockSpecBase
{
    public WaiterGuaranteeSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void A_timed_out_waiter_gets_one_LockTimedOut_and_nothing_later_and_has_no_claim_on_the_key()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "tmo");

        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("tmo", TimeSpan.FromMilliseconds(100)));
        var timedOut = waiter.ExpectMsg<LockTimedOut>(Patience);
        Assert.Equal(new object[] { "tmo" }, timedOut.Keys);

        // The key stays with its holder and nobody waits for it any more.
        var status = Inspect(manager, "tmo");
        Assert.Equal(holder.Ref, status.Owner);
        Assert.Empty(status.Waiters);
        var other = CreateTestProbe();
        other.Send(manager, new TryLock("tmo"));
        Assert.Equal(holder.Ref, other.ExpectMsg<LockBusy>(Patience).Owner);

        // Once released it is free for anyone at once: the timed-out waiter is not served.
        Release(manager, holder, grant);
        Assert.Equal(other.Ref, Lock(manager, other, "tmo").Owner);
        waiter.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_timed_out_waiter_can_wait_again_and_gets_the_key_once_released()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "retry");

        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("retry", TimeSpan.FromMilliseconds(100)));
        waiter.ExpectMsg<LockTimedOut>(Patience);

        waiter.Send(manager, new Await("retry", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "retry", waiter.Ref);
        Release(manager, holder, grant);

        Assert.Equal(waiter.Ref, waiter.ExpectMsg<LockAcquired>(Patience).Grant.Owner);
        Assert.Equal(waiter.Ref, WhereIs(manager, "retry"));
        waiter.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_time_out_on_one_key_leaves_the_other_keys_of_the_waiter_locked()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        Lock(manager, holder, "busy");

        var waiter = CreateTestProbe();
        Lock(manager, waiter, "kept");
        waiter.Send(manager, new Await("busy", TimeSpan.FromMilliseconds(100)));
        waiter.ExpectMsg<LockTimedOut>(Patience);

        Assert.Equal(waiter.Ref, WhereIs(manager, "kept"));
        Assert.Equal(holder.Ref, WhereIs(manager, "busy"));
    }

    [Fact]
    public void A_killed_waiter_is_never_granted_the_key_and_the_next_live_waiter_gets_it()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "dead");

        var doomed = CreateTestProbe();
        doomed.Send(manager, new Await("dead", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "dead", doomed.Ref);
        KillAndWait(doomed.Ref);
        AwaitNotWaiting(manager, "dead", doomed.Ref);

        var live = CreateTestProbe();
        live.Send(manager, new Await("dead", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "dead", live.Ref);

        Release(manager, holder, grant);
        live.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal(live.Ref, WhereIs(manager, "dead"));
    }

    [Fact]
    public void A_key_whose_only_waiter_was_killed_is_free_after_the_release()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "corpse");

        var doomed = CreateTestProbe();
        doomed.Send(manager, new Await("corpse", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "corpse", doomed.Ref);
        KillAndWait(doomed.Ref);
        AwaitNotWaiting(manager, "corpse", doomed.Ref);

        Release(manager, holder, grant);
        // The death was handled before the release, so the dead waiter never held the key.
        AssertFree(manager, "corpse");
    }

    [Fact]
    public void A_waiter_killed_while_the_key_is_released_does_not_keep_the_key()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "crossing-death");

        var doomed = CreateTestProbe();
        doomed.Send(manager, new Await("crossing-death", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "crossing-death", doomed.Ref);

        // Kill and release without waiting for the manager to learn of the death: the key may be
        // granted to the dying waiter for a moment, but its death frees it again.
        doomed.Ref.Tell(Kill.Instance);
        Release(manager, holder, grant);

        AwaitOwner(manager, "crossing-death", null);
        var taker = CreateTestProbe();
        taker.Send(manager, new Await("crossing-death", Timeout.InfiniteTimeSpan));
        taker.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void When_the_owner_of_several_keys_dies_each_waiter_receives_its_key()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "die-a");
        Lock(manager, owner, "die-b");

        var waiterA = CreateTestProbe();
        var waiterB = CreateTestProbe();
        waiterA.Send(manager, new Await("die-a", Timeout.InfiniteTimeSpan));
        waiterB.Send(manager, new Await("die-b", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "die-a", waiterA.Ref);
        AwaitWaiting(manager, "die-b", waiterB.Ref);

        KillAndWait(owner.Ref);

        Assert.Equal(new object[] { "die-a" }, waiterA.ExpectMsg<LockAcquired>(Patience).Grant.Keys);
        Assert.Equal(new object[] { "die-b" }, waiterB.ExpectMsg<LockAcquired>(Patience).Grant.Keys);
        Assert.Equal(waiterA.Ref, WhereIs(manager, "die-a"));
        Assert.Equal(waiterB.Ref, WhereIs(manager, "die-b"));
    }

    [Fact]
    public void AwaitAll_acquires_a_key_that_a_timed_out_waiter_was_waiting_on()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "ml-busy");

        var quitter = CreateTestProbe();
        quitter.Send(manager, new Await("ml-busy", TimeSpan.FromMilliseconds(100)));
        quitter.ExpectMsg<LockTimedOut>(Patience);

        var multi = CreateTestProbe();
        multi.Send(manager, new AwaitAll(new object[] { "ml-free", "ml-busy" }));
        AwaitWaiting(manager, "ml-busy", multi.Ref);

        Release(manager, owner, grant);
        var multiGrant = multi.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.True(multiGrant.IsMulti);
        Assert.Equal(new object[] { "ml-free", "ml-busy" }, multiGrant.Keys);
        Assert.Equal(multi.Ref, WhereIs(manager, "ml-busy"));
        Assert.Equal(multi.Ref, WhereIs(manager, "ml-free"));
        quitter.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_timed_out_AwaitAll_waiter_has_no_claim_on_any_of_its_keys()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "all-b");

        var waiter = CreateTestProbe();
        waiter.Send(manager, new AwaitAll(new object[] { "all-a", "all-b" }, TimeSpan.FromMilliseconds(100)));
        var timedOut = waiter.ExpectMsg<LockTimedOut>(Patience);
        Assert.Equal(new object[] { "all-a", "all-b" }, timedOut.Keys);

        AssertFree(manager, "all-a");
        Assert.Empty(Inspect(manager, "all-b").Waiters);
        Release(manager, owner, grant);
        AssertFree(manager, "all-b");
        waiter.ExpectNoMsg(Brief);
    }
}

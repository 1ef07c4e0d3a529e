using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: when an owner terminates (stopped or killed), all of its keys are released at once
// and passed on to their waiters; WhereIs then names the new owner. The manager watches each
// owner once, for as long as it holds or waits for something, however many keys it holds.
public sealed class CrashReleaseSpecs : LockSpecBase
{
    public CrashReleaseSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void The_key_of_a_stopped_owner_passes_to_its_waiter()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "stopped");
        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("stopped", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "stopped", waiter.Ref);

        StopAndWait(owner.Ref);

        Assert.Equal(waiter.Ref, waiter.ExpectMsg<LockAcquired>(Patience).Grant.Owner);
        Assert.Equal(waiter.Ref, WhereIs(manager, "stopped"));
    }

    [Fact]
    public void Every_key_of_a_killed_owner_is_released_and_WhereIs_shows_the_new_owners()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "k1");
        LockAll(manager, owner, "k2", "k3");
        var w1 = CreateTestProbe();
        var w23 = CreateTestProbe();
        w1.Send(manager, new Await("k1", Timeout.InfiniteTimeSpan));
        w23.Send(manager, new AwaitAll(new object[] { "k3", "k2" }));
        AwaitWaiting(manager, "k1", w1.Ref);
        AwaitWaiting(manager, "k2", w23.Ref);

        KillAndWait(owner.Ref);

        w1.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal(new object[] { "k3", "k2" }, w23.ExpectMsg<LockAcquired>(Patience).Grant.Keys);
        Assert.Equal(w1.Ref, WhereIs(manager, "k1"));
        Assert.Equal(w23.Ref, WhereIs(manager, "k2"));
        Assert.Equal(w23.Ref, WhereIs(manager, "k3"));
    }

    [Fact]
    public void The_keys_of_a_dead_owner_without_waiters_become_free()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "lonely-1");
        Lock(manager, owner, "lonely-2");

        KillAndWait(owner.Ref);

        AwaitOwner(manager, "lonely-1", null);
        AssertFree(manager, "lonely-1");
        AssertFree(manager, "lonely-2");
    }

    [Fact]
    public void Releasing_one_of_several_keys_keeps_the_owner_watched_for_the_others()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var first = Lock(manager, owner, "w1");
        Lock(manager, owner, "w2");
        Release(manager, owner, first);

        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("w2", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "w2", waiter.Ref);
        KillAndWait(owner.Ref);

        waiter.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void An_owner_that_held_nothing_for_a_while_is_watched_again_when_it_locks_again()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Release(manager, owner, Lock(manager, owner, "again"));
        Lock(manager, owner, "again");

        KillAndWait(owner.Ref);

        AwaitOwner(manager, "again", null);
    }

    [Fact]
    public void The_death_of_one_owner_leaves_the_keys_of_other_owners_alone()
    {
        var manager = NewManager();
        var doomed = CreateTestProbe();
        var survivor = CreateTestProbe();
        Lock(manager, doomed, "mine");
        var survivorGrant = Lock(manager, survivor, "yours");

        KillAndWait(doomed.Ref);
        AwaitOwner(manager, "mine", null);

        var status = Inspect(manager, "yours");
        Assert.Equal(survivor.Ref, status.Owner);
        Assert.Equal(survivorGrant.FencingToken, status.FencingToken);
    }

    [Fact]
    public void An_owner_named_in_the_request_is_watched_not_the_sender()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var sender = CreateTestProbe();
        sender.Send(manager, new TryLock("named") { Owner = owner.Ref });
        Assert.Equal(owner.Ref, sender.ExpectMsg<LockAcquired>(Patience).Grant.Owner);

        // The sender's death changes nothing, the owner's death frees the key.
        KillAndWait(sender.Ref);
        var other = CreateTestProbe();
        other.Send(manager, new TryLock("sync")); // one more round trip through the manager
        other.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal(owner.Ref, WhereIs(manager, "named"));

        KillAndWait(owner.Ref);
        AwaitOwner(manager, "named", null);
    }

    [Fact]
    public void A_lock_taken_for_an_owner_that_is_already_dead_is_freed_at_once()
    {
        var manager = NewManager();
        var dead = CreateTestProbe();
        StopAndWait(dead.Ref);
        var sender = CreateTestProbe();

        sender.Send(manager, new TryLock("ghost") { Owner = dead.Ref });
        sender.ExpectMsg<LockAcquired>(Patience);

        AwaitOwner(manager, "ghost", null);
    }

    [Fact]
    public void The_death_of_an_owner_hands_each_key_to_the_first_waiter_in_line()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        Lock(manager, owner, "line");
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        first.Send(manager, new Await("line", Timeout.InfiniteTimeSpan));
        second.Send(manager, new Await("line", Timeout.InfiniteTimeSpan));
        Assert.Equal(new[] { first.Ref, second.Ref }, Inspect(manager, "line").Waiters);

        KillAndWait(owner.Ref);

        first.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal(new[] { second.Ref }, Inspect(manager, "line").Waiters);
        second.ExpectNoMsg(TimeSpan.Zero);
    }
}

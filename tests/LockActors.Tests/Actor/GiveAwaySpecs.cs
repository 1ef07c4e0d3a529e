using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: GiveAway checks ownership like Release, then moves every key of the grant to the
// heir under a new grant (same keys and IsMulti, a new fencing token). The giver gets GaveAway,
// the heir LockTransferred with the giver and the gift data. A dead heir's keys are freed by its
// death, giving to oneself is refused, the giver's later death does not release what it gave,
// and a pending wait of the heir on a key it receives is refused as a self-deadlock.
public sealed class GiveAwaySpecs : LockSpecBase
{
    public GiveAwaySpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void The_giver_gets_GaveAway_and_the_heir_gets_LockTransferred_with_the_giver_and_the_gift_data()
    {
        var manager = NewManager();
        var giver = CreateTestProbe();
        var grant = Lock(manager, giver, "gift");
        var heir = CreateTestProbe();

        giver.Send(manager, new GiveAway(grant, heir.Ref, "some-data"));

        var gaveAway = giver.ExpectMsg<GaveAway>(Patience);
        var transferred = heir.ExpectMsg<LockTransferred>(Patience);
        Assert.Equal(giver.Ref, transferred.From);
        Assert.Equal("some-data", transferred.GiftData);
        Assert.Equal(gaveAway.NewGrant, transferred.Grant);
        Assert.Equal(heir.Ref, transferred.Grant.Owner);
        Assert.Equal(grant.Keys, transferred.Grant.Keys);
        Assert.Equal(grant.IsMulti, transferred.Grant.IsMulti);
        Assert.Equal(heir.Ref, WhereIs(manager, "gift"));
    }

    [Fact]
    public void The_gift_data_is_null_by_default()
    {
        var manager = NewManager();
        var giver = CreateTestProbe();
        var grant = Lock(manager, giver, "gift-default");
        var heir = CreateTestProbe();

        giver.Send(manager, new GiveAway(grant, heir.Ref));

        giver.ExpectMsg<GaveAway>(Patience);
        Assert.Null(heir.ExpectMsg<LockTransferred>(Patience).GiftData);
    }

    [Fact]
    public void The_heir_gets_a_new_fencing_token_and_the_old_grant_becomes_useless()
    {
        var manager = NewManager();
        var giver = CreateTestProbe();
        var grant = LockAll(manager, giver, "g1", "g2");
        var heir = CreateTestProbe();

        giver.Send(manager, new GiveAway(grant, heir.Ref));
        var newGrant = giver.ExpectMsg<GaveAway>(Patience).NewGrant;
        heir.ExpectMsg<LockTransferred>(Patience);

        Assert.True(newGrant.FencingToken > grant.FencingToken);
        Assert.True(newGrant.IsMulti);
        Assert.Equal(new object[] { "g1", "g2" }, newGrant.Keys);
        Assert.Equal(newGrant.FencingToken, Inspect(manager, "g1").FencingToken);
        Assert.Equal(newGrant.FencingToken, Inspect(manager, "g2").FencingToken);

        // The giver cannot release with its old grant; the heir can with the new one.
        giver.Send(manager, new Release(grant));
        var failed = giver.ExpectMsg<ReleaseFailed>(Patience);
        Assert.Equal(ReleaseFailure.NotOwner, failed.Cause);
        Assert.Equal(heir.Ref, failed.CurrentOwner);

        Release(manager, heir, newGrant);
        AssertFree(manager, "g1");
        AssertFree(manager, "g2");
    }

    [Fact]
    public void Giving_to_a_dead_actor_still_answers_GaveAway_and_its_death_frees_the_key()
    {
        var manager = NewManager();
        var giver = CreateTestProbe();
        var grant = Lock(manager, giver, "to-the-dead");
        var dead = CreateTestProbe();
        StopAndWait(dead.Ref);

        giver.Send(manager, new GiveAway(grant, dead.Ref));
        // A reference to a stopped actor loses its uid when it is read back from the wire.
        Assert.Equal(dead.Ref.Path.ToStringWithoutAddress(), giver.ExpectMsg<GaveAway>(Patience).NewGrant.Owner.Path.ToStringWithoutAddress());

        AwaitOwner(manager, "to-the-dead", null);
        var taker = CreateTestProbe();
        Assert.Equal(taker.Ref, Lock(manager, taker, "to-the-dead").Owner);
    }

    [Fact]
    public void Giving_to_a_dead_actor_passes_the_key_to_the_next_waiter()
    {
        var manager = NewManager();
        var giver = CreateTestProbe();
        var grant = Lock(manager, giver, "dead-heir-waiter");
        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("dead-heir-waiter", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "dead-heir-waiter", waiter.Ref);
        var dead = CreateTestProbe();
        StopAndWait(dead.Ref);

        giver.Send(manager, new GiveAway(grant, dead.Ref));
        giver.ExpectMsg<GaveAway>(Patience);

        waiter.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal(waiter.Ref, WhereIs(manager, "dead-heir-waiter"));
    }

    [Fact]
    public void Giving_a_key_to_its_owner_is_refused_with_AlreadyOwner()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "to-self");
        var before = Inspect(manager, "to-self");

        owner.Send(manager, new GiveAway(grant, owner.Ref, "data"));

        var refused = owner.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.AlreadyOwner, refused.Cause);
        Assert.Equal("to-self", refused.Key);
        Assert.Contains("to-self", refused.Message);
        owner.ExpectNoMsg(Brief);
        AssertSameStatus(before, Inspect(manager, "to-self"));
    }

    [Fact]
    public void A_non_owner_cannot_give_a_key_away_and_the_heir_hears_nothing()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "not-yours");
        var thief = CreateTestProbe();
        var heir = CreateTestProbe();

        thief.Send(manager, new GiveAway(grant, heir.Ref));

        var failed = thief.ExpectMsg<ReleaseFailed>(Patience);
        Assert.Equal("not-yours", failed.Key);
        Assert.Equal(ReleaseFailure.NotOwner, failed.Cause);
        Assert.Equal(owner.Ref, failed.CurrentOwner);
        Assert.Equal(owner.Ref, WhereIs(manager, "not-yours"));
        heir.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_free_key_cannot_be_given_away()
    {
        var manager = NewManager();
        var someone = CreateTestProbe();
        var heir = CreateTestProbe();
        var madeUp = new LockGrant(new object[] { "made-up" }, false, someone.Ref, 42, null);

        someone.Send(manager, new GiveAway(madeUp, heir.Ref));

        var failed = someone.ExpectMsg<ReleaseFailed>(Patience);
        Assert.Equal(ReleaseFailure.NotLocked, failed.Cause);
        Assert.Null(failed.CurrentOwner);
        AssertFree(manager, "made-up");
        heir.ExpectNoMsg(Brief);
    }

    [Fact]
    public void The_death_of_the_giver_does_not_release_a_key_it_gave_away()
    {
        var manager = NewManager();
        var giver = CreateTestProbe();
        var grant = Lock(manager, giver, "crashing-giver");
        var heir = CreateTestProbe();

        giver.Send(manager, new GiveAway(grant, heir.Ref));
        giver.ExpectMsg<GaveAway>(Patience);
        heir.ExpectMsg<LockTransferred>(Patience);

        // The giver also holds another key, so the manager still watches it and learns of its death.
        Lock(manager, giver, "giver-own");
        KillAndWait(giver.Ref);
        AwaitOwner(manager, "giver-own", null);

        Assert.Equal(heir.Ref, WhereIs(manager, "crashing-giver"));
        var other = CreateTestProbe();
        other.Send(manager, new TryLock("crashing-giver"));
        Assert.Equal(heir.Ref, other.ExpectMsg<LockBusy>(Patience).Owner);
    }

    [Fact]
    public void A_key_can_travel_through_a_loop_of_a_hundred_actors_by_gifts()
    {
        const int relays = 100;
        var manager = NewManager();
        var origin = CreateTestProbe();
        var grant = Lock(manager, origin, "counter");

        // Built from the back: the last relay gives the key back to the origin.
        IActorRef next = origin.Ref;
        for (var i = 0; i < relays; i++)
        {
            next = Sys.ActorOf(Props.Create(() => new GiftRelay(manager, next)));
        }

        origin.Send(manager, new GiveAway(grant, next, 0));
        origin.ExpectMsg<GaveAway>(Patience);

        var back = origin.ExpectMsg<LockTransferred>(Patience);
        Assert.Equal(relays, back.GiftData);
        Assert.Equal(new object[] { "counter" }, back.Grant.Keys);
        Assert.Equal(origin.Ref, back.Grant.Owner);
        Assert.Equal(grant.FencingToken + relays + 1, back.Grant.FencingToken);
        Assert.Equal(origin.Ref, WhereIs(manager, "counter"));
    }

    [Fact]
    public void A_pending_wait_of_the_heir_on_a_key_it_receives_is_refused_as_a_self_deadlock()
    {
        var manager = NewManager();
        var giver = CreateTestProbe();
        var grant = Lock(manager, giver, "heir-waits");
        var heir = CreateTestProbe();
        heir.Send(manager, new Await("heir-waits", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "heir-waits", heir.Ref);

        giver.Send(manager, new GiveAway(grant, heir.Ref));
        giver.ExpectMsg<GaveAway>(Patience);

        heir.ExpectMsg<LockTransferred>(Patience);
        var refused = heir.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.SelfDeadlock, refused.Cause);
        Assert.Equal("heir-waits", refused.Key);
        Assert.Contains("heir-waits", refused.Message);

        var status = Inspect(manager, "heir-waits");
        Assert.Equal(heir.Ref, status.Owner);
        Assert.Empty(status.Waiters);
        heir.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_pending_AwaitAll_of_the_heir_that_includes_a_received_key_is_refused_and_leaves_every_queue()
    {
        var manager = NewManager();
        var giver = CreateTestProbe();
        var grant = Lock(manager, giver, "received");
        var blocker = CreateTestProbe();
        Lock(manager, blocker, "other");
        var heir = CreateTestProbe();
        heir.Send(manager, new AwaitAll(new object[] { "other", "received" }));
        AwaitWaiting(manager, "other", heir.Ref);

        giver.Send(manager, new GiveAway(grant, heir.Ref));
        giver.ExpectMsg<GaveAway>(Patience);
        heir.ExpectMsg<LockTransferred>(Patience);
        var refused = heir.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.SelfDeadlock, refused.Cause);
        Assert.Equal("received", refused.Key);

        Assert.Empty(Inspect(manager, "other").Waiters);
        Assert.Empty(Inspect(manager, "received").Waiters);
    }

    /// <summary>Gives every key it receives on to <c>next</c>, adding one to the gift data.</summary>
    private sealed class GiftRelay : ReceiveActor
    {
        public GiftRelay(IActorRef manager, IActorRef next)
        {
            Receive<LockTransferred>(t => manager.Tell(new GiveAway(t.Grant, next, (int)t.GiftData! + 1)));
            Receive<GaveAway>(_ => Context.Stop(Self));
        }
    }
}

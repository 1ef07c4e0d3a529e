using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

public sealed partial class BadInputSpecs
{
    [Fact]
    public void Releasing_a_key_held_by_someone_else_fails_with_NotOwner_naming_the_owner()
    {
        var scene = SetUp();
        var stranger = CreateTestProbe();

        stranger.Send(scene.Manager, new Release(scene.Grant));
        var failed = stranger.ExpectMsg<ReleaseFailed>(Patience);
        Assert.Equal("held", failed.Key);
        Assert.Equal(ReleaseFailure.NotOwner, failed.Cause);
        Assert.Equal(scene.Owner.Ref, failed.CurrentOwner);

        stranger.Send(scene.Manager, new ReleaseKeys(new object[] { "held" }));
        Assert.Equal(ReleaseFailure.NotOwner, stranger.ExpectMsg<ReleaseFailed>(Patience).Cause);
        AssertUnchanged(scene);
    }

    [Fact]
    public void Releasing_a_free_key_fails_with_NotLocked()
    {
        var scene = SetUp();
        var madeUp = new LockGrant(new object[] { "free" }, false, scene.Owner.Ref, 1, null);

        scene.Owner.Send(scene.Manager, new Release(madeUp));
        var failed = scene.Owner.ExpectMsg<ReleaseFailed>(Patience);
        Assert.Equal("free", failed.Key);
        Assert.Equal(ReleaseFailure.NotLocked, failed.Cause);
        Assert.Null(failed.CurrentOwner);

        scene.Owner.Send(scene.Manager, new ReleaseKeys(new object[] { "free" }));
        Assert.Equal(ReleaseFailure.NotLocked, scene.Owner.ExpectMsg<ReleaseFailed>(Patience).Cause);
        AssertUnchanged(scene);
    }

    [Fact]
    public void Releasing_with_a_stale_grant_fails_with_StaleGrant_and_keeps_the_newer_lock()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var old = Lock(manager, owner, "stale");
        Release(manager, owner, old);
        var current = Lock(manager, owner, "stale");

        owner.Send(manager, new Release(old));

        var failed = owner.ExpectMsg<ReleaseFailed>(Patience);
        Assert.Equal(ReleaseFailure.StaleGrant, failed.Cause);
        Assert.Equal(owner.Ref, failed.CurrentOwner);
        Assert.Equal(current.FencingToken, Inspect(manager, "stale").FencingToken);
    }

    [Fact]
    public void A_release_that_fails_on_one_key_releases_none_of_them()
    {
        var scene = SetUp();
        var mine = LockAll(scene.Manager, scene.Owner, "m1", "m2");

        scene.Owner.Send(scene.Manager, new ReleaseKeys(new object[] { "m1", "free", "m2" }));
        Assert.Equal("free", scene.Owner.ExpectMsg<ReleaseFailed>(Patience).Key);

        var forged = mine with { Keys = new object[] { "m1", "m2", "held-by-nobody" } };
        scene.Owner.Send(scene.Manager, new Release(forged));
        Assert.Equal(ReleaseFailure.NotLocked, scene.Owner.ExpectMsg<ReleaseFailed>(Patience).Cause);

        Assert.Equal(scene.Owner.Ref, WhereIs(scene.Manager, "m1"));
        Assert.Equal(scene.Owner.Ref, WhereIs(scene.Manager, "m2"));
        AssertUnchanged(scene);
    }

    [Fact]
    public void GiveAway_to_oneself_or_to_no_actor_is_refused_and_changes_nothing()
    {
        var scene = SetUp();

        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, scene.Owner.Ref));
        ExpectRefused(scene.Owner, RefusalReason.AlreadyOwner, "held");
        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, null!));
        ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null);
        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, ActorRefs.Nobody));
        ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null);
        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, Sys.DeadLetters));
        ExpectRefused(scene.Owner, RefusalReason.InvalidRequest, null);

        AssertUnchanged(scene);
    }

    [Fact]
    public void GiveAway_to_a_dead_actor_is_accepted_and_the_key_goes_to_the_next_waiter()
    {
        var scene = SetUp();
        var dead = CreateTestProbe();
        StopAndWait(dead.Ref);

        scene.Owner.Send(scene.Manager, new GiveAway(scene.Grant, dead.Ref));

        scene.Owner.ExpectMsg<GaveAway>(Patience);
        scene.Waiter.ExpectMsg<LockAcquired>(Patience);
    }
}

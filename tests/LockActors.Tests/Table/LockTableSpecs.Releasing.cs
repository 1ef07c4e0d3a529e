using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed partial class LockTableSpecs
{
    // -----------------------------------------------------------------------------------
    // Release and ReleaseKeys
    // -----------------------------------------------------------------------------------

    [Fact]
    public void Release_by_another_owner_fails_with_NotOwner_naming_the_current_owner()
    {
        var grant = _t.Acquire(_a, "k");

        var reply = _t.Release(_b, grant);

        Assert.Equal(new ReleaseFailed("k", ReleaseFailure.NotOwner, _a), reply);
        Assert.Equal(_a, _t.OwnerOf("k"));
    }

    [Fact]
    public void Release_of_a_free_key_fails_with_NotLocked()
    {
        var grant = _t.Acquire(_a, "k");
        _t.Release(_a, grant);

        var reply = _t.Release(_a, grant);

        Assert.Equal(new ReleaseFailed("k", ReleaseFailure.NotLocked, null), reply);
        Assert.Equal(0, _t.Table.KeyCount);
    }

    [Fact]
    public void Release_with_a_stale_grant_fails_with_StaleGrant_and_keeps_the_newer_lock()
    {
        var old = _t.Acquire(_a, "k");
        _t.Release(_a, old);
        var current = _t.Acquire(_a, "k");

        var reply = _t.Release(_a, old);

        Assert.Equal(new ReleaseFailed("k", ReleaseFailure.StaleGrant, _a), reply);
        Assert.Equal(current.FencingToken, _t.Status("k").FencingToken);
        Assert.IsType<Released>(_t.Release(_a, current));
    }

    [Fact]
    public void Release_of_a_multi_key_grant_is_all_or_nothing()
    {
        var grant = _t.AcquireAll(_a, "k1", "k2", "k3");
        _t.ReleaseKeys(_a, "k2");
        _t.Acquire(_b, "k2");

        var reply = _t.Release(_a, grant);

        Assert.Equal(new ReleaseFailed("k2", ReleaseFailure.NotOwner, _b), reply);
        Assert.Equal(_a, _t.OwnerOf("k1"));
        Assert.Equal(_a, _t.OwnerOf("k3"));
        Assert.Equal(_b, _t.OwnerOf("k2"));
    }

    [Fact]
    public void Release_replies_with_the_released_keys_and_unwatches_an_owner_left_with_nothing()
    {
        var grant = _t.AcquireAll(_a, "k2", "k1");

        var reply = Assert.IsType<Released>(_t.Release(_a, grant));

        Assert.Equal(new object[] { "k2", "k1" }, reply.Keys);
        Assert.Equal(0, _t.Table.KeyCount);
        Assert.Equal(0, _t.Table.PartyCount);
        Assert.Equal(new IActorRef[] { _a }, Fx.Unwatches);
    }

    [Fact]
    public void ReleaseKeys_releases_keys_taken_under_different_grants()
    {
        _t.Acquire(_a, "k1");
        _t.AcquireAll(_a, "k2", "k3");
        _t.Await(_b, "k3", Infinite);

        var reply = Assert.IsType<Released>(_t.ReleaseKeys(_a, "k3", "k1"));

        Assert.Equal(new object[] { "k3", "k1" }, reply.Keys);
        Assert.Null(_t.OwnerOf("k1"));
        Assert.Equal(_a, _t.OwnerOf("k2"));
        Assert.Equal(_b, _t.OwnerOf("k3"));
    }

    [Fact]
    public void ReleaseKeys_including_a_key_the_owner_does_not_hold_releases_nothing()
    {
        _t.Acquire(_a, "k1");
        _t.Acquire(_b, "k3");

        Assert.Equal(new ReleaseFailed("k2", ReleaseFailure.NotLocked, null), _t.ReleaseKeys(_a, "k1", "k2"));
        Assert.Equal(new ReleaseFailed("k3", ReleaseFailure.NotOwner, _b), _t.ReleaseKeys(_a, "k1", "k3"));
        Assert.Equal(_a, _t.OwnerOf("k1"));
        Assert.Equal(_b, _t.OwnerOf("k3"));
    }

    // -----------------------------------------------------------------------------------
    // Goodbye
    // -----------------------------------------------------------------------------------

    [Fact]
    public void Goodbye_releases_every_key_and_withdraws_every_wait_of_the_owner()
    {
        _t.Acquire(_a, "k1");
        _t.AcquireAll(_a, "k2", "k4");
        _t.Acquire(_b, "k3");
        _t.Await(_a, "k3", Infinite);
        _t.Await(_c, "k1", Infinite);
        Fx.ClearMessages();

        var messages = Fx.To(_a).Count;
        _t.Check(() => _t.Table.Goodbye(_a, _a));

        var toA = Fx.To(_a).Skip(messages).ToList();
        Assert.Equal(2, toA.Count);
        Assert.Equal(new object[] { "k3" }, Assert.IsType<AwaitCancelled>(toA[0]).Keys);
        var done = Assert.IsType<GoodbyeDone>(toA[1]);
        Assert.Equal(new object[] { "k1", "k2", "k4" }, done.Keys.OrderBy(k => (string)k));
        Assert.Empty(_t.WaitersOf("k3"));
        Assert.Equal(_c, _t.OwnerOf("k1"));
        Assert.Null(_t.OwnerOf("k2"));
        Assert.DoesNotContain(_a, Fx.Watched);
    }

    [Fact]
    public void Goodbye_of_an_owner_the_table_does_not_know_answers_with_no_keys()
    {
        var done = Assert.IsType<GoodbyeDone>(_t.Goodbye(_a));

        Assert.Empty(done.Keys);
        Assert.Empty(Fx.Watches);
    }

    // -----------------------------------------------------------------------------------
    // GiveAway
    // -----------------------------------------------------------------------------------

    [Fact]
    public void GiveAway_moves_the_keys_to_the_heir_under_a_new_grant()
    {
        var grant = _t.AcquireAll(_a, "k2", "k1");

        var reply = _t.Reply(_a, () => _t.Table.GiveAway(_a, _a, grant, _b, "gift"));

        var newGrant = Assert.IsType<GaveAway>(reply).NewGrant;
        Assert.Equal(new object[] { "k2", "k1" }, newGrant.Keys);
        Assert.True(newGrant.IsMulti);
        Assert.Equal(_b, newGrant.Owner);
        Assert.True(newGrant.FencingToken > grant.FencingToken);

        var transferred = Fx.Single<LockTransferred>(_b);
        Assert.Equal(_a, transferred.From);
        Assert.Same(newGrant, transferred.Grant);
        Assert.Equal("gift", transferred.GiftData);

        Assert.Equal(_b, _t.OwnerOf("k1"));
        Assert.Equal(newGrant.FencingToken, _t.Status("k2").FencingToken);
        Assert.DoesNotContain(_a, Fx.Watched);
        Assert.Contains(_b, Fx.Watched);

        Assert.Equal(new ReleaseFailed("k2", ReleaseFailure.NotOwner, _b), _t.Release(_a, grant));
        Assert.Equal(new ReleaseFailed("k2", ReleaseFailure.StaleGrant, _b), _t.Release(_b, grant));
        Assert.IsType<Released>(_t.Release(_b, newGrant));
    }

    [Fact]
    public void GiveAway_to_the_owner_itself_is_refused_as_AlreadyOwner()
    {
        var grant = _t.AcquireAll(_a, "k1", "k2");

        var reply = Assert.IsType<LockRefused>(_t.Reply(_a, () => _t.Table.GiveAway(_a, _a, grant, _a, null)));

        Assert.Equal(("k1", RefusalReason.AlreadyOwner), (reply.Key, reply.Cause));
        Assert.Equal(grant.FencingToken, _t.Status("k1").FencingToken);
        Assert.Equal(grant.FencingToken, _t.Table.LastToken);
    }

    [Fact]
    public void GiveAway_with_a_grant_the_giver_does_not_hold_fails_like_a_release()
    {
        var grant = _t.Acquire(_a, "k");

        var reply = _t.Reply(_c, () => _t.Table.GiveAway(_c, _c, grant, _b, null));

        Assert.Equal(new ReleaseFailed("k", ReleaseFailure.NotOwner, _a), reply);
        Assert.Equal(_a, _t.OwnerOf("k"));
        Assert.Empty(Fx.To(_b));
        Assert.DoesNotContain(_b, Fx.Watches);
    }

    [Fact]
    public void GiveAway_refuses_the_heirs_pending_wait_on_a_key_it_receives()
    {
        var grant = _t.Acquire(_a, "k");
        _t.Await(_b, "k", Infinite);
        _t.Await(_c, "k", Infinite);

        _t.Check(() => _t.Table.GiveAway(_a, _a, grant, _b, null));

        var toB = Fx.To(_b);
        Assert.Equal(2, toB.Count);
        Assert.IsType<LockTransferred>(toB[0]);
        var refused = Assert.IsType<LockRefused>(toB[1]);
        Assert.Equal(("k", RefusalReason.SelfDeadlock), (refused.Key, refused.Cause));
        Assert.Equal(_b, _t.OwnerOf("k"));
        Assert.Equal(new IActorRef[] { _c }, _t.WaitersOf("k"));
    }

    [Fact]
    public void Waiters_keep_waiting_after_a_give_away_and_get_the_key_from_the_heir()
    {
        var grant = _t.Acquire(_a, "k");
        _t.Await(_c, "k", Infinite);

        _t.Check(() => _t.Table.GiveAway(_a, _a, grant, _b, null));
        Assert.Empty(Fx.To(_c));
        Assert.Equal(new IActorRef[] { _c }, _t.WaitersOf("k"));

        _t.Release(_b, Fx.Single<LockTransferred>(_b).Grant);
        Assert.Equal(_c, Fx.Single<LockAcquired>(_c).Grant.Owner);
    }
}

using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed partial class LockTableSpecs
{
    // -----------------------------------------------------------------------------------
    // AwaitAll
    // -----------------------------------------------------------------------------------

    [Fact]
    public void AwaitAll_grants_every_key_under_one_multi_key_grant_listing_the_keys_in_the_given_order()
    {
        _t.AwaitAll(_a, Infinite, "z", "a", "m");

        var grant = Fx.Single<LockAcquired>(_a).Grant;
        Assert.Equal(new object[] { "z", "a", "m" }, grant.Keys);
        Assert.True(grant.IsMulti);
        Assert.Equal("z", grant.Key);
        foreach (var key in grant.Keys)
        {
            Assert.Equal(_a, _t.OwnerOf(key));
            Assert.Equal(grant.FencingToken, _t.Status(key).FencingToken);
        }
    }

    [Fact]
    public void AwaitAll_holds_none_of_the_keys_until_all_of_them_are_free()
    {
        var held = _t.Acquire(_a, "k2");

        _t.AwaitAll(_b, Infinite, "k1", "k2", "k3");

        Assert.Empty(Fx.To(_b));
        Assert.Null(_t.OwnerOf("k1"));
        Assert.Null(_t.OwnerOf("k3"));
        foreach (var key in new[] { "k1", "k2", "k3" })
        {
            Assert.Equal(new IActorRef[] { _b }, _t.WaitersOf(key));
        }

        _t.Release(_a, held);

        var grant = Fx.Single<LockAcquired>(_b).Grant;
        Assert.Equal(new object[] { "k1", "k2", "k3" }, grant.Keys);
        Assert.True(grant.IsMulti);
        Assert.All(grant.Keys, k => Assert.Equal(_b, _t.OwnerOf(k)));
    }

    [Fact]
    public void Two_AwaitAll_requests_with_opposite_key_orders_never_deadlock()
    {
        var k1 = _t.Acquire(_c, "k1");
        _t.AwaitAll(_a, Infinite, "k1", "k2");
        _t.AwaitAll(_b, Infinite, "k2", "k1");

        // Neither holds a key while waiting, so neither blocks the other.
        Assert.Null(_t.OwnerOf("k2"));

        _t.Release(_c, k1);
        var aGrant = Fx.Single<LockAcquired>(_a).Grant;
        Assert.Empty(Fx.To(_b));

        _t.Release(_a, aGrant);
        var bGrant = Fx.Single<LockAcquired>(_b).Grant;
        Assert.Equal(new object[] { "k2", "k1" }, bGrant.Keys);
        Assert.True(bGrant.FencingToken > aGrant.FencingToken);
    }

    [Fact]
    public void Two_AwaitAll_requests_with_opposite_key_orders_on_free_keys_take_turns()
    {
        _t.AwaitAll(_a, Infinite, "k1", "k2");
        _t.AwaitAll(_b, Infinite, "k2", "k1");

        var aGrant = Fx.Single<LockAcquired>(_a).Grant;
        Assert.Empty(Fx.To(_b));
        _t.Release(_a, aGrant);
        Assert.Equal(new object[] { "k2", "k1" }, Fx.Single<LockAcquired>(_b).Grant.Keys);
    }

    // -----------------------------------------------------------------------------------
    // Self-deadlock
    // -----------------------------------------------------------------------------------

    [Fact]
    public void Await_on_a_key_the_owner_holds_is_refused_as_a_self_deadlock_and_nothing_is_queued()
    {
        _t.Acquire(_a, "k");
        Fx.ClearMessages();

        _t.Await(_a, "k", Infinite);

        var refused = Fx.Single<LockRefused>(_a);
        Assert.Equal("k", refused.Key);
        Assert.Equal(RefusalReason.SelfDeadlock, refused.Cause);
        Assert.Contains("\"k\"", refused.Message);
        Assert.Empty(_t.WaitersOf("k"));
        Assert.Equal(_a, _t.OwnerOf("k"));
    }

    [Fact]
    public void AwaitAll_including_a_key_the_owner_holds_is_refused_naming_that_key()
    {
        _t.Acquire(_a, "k2");
        Fx.ClearMessages();

        _t.AwaitAll(_a, Infinite, "k1", "k2", "k3");

        var refused = Fx.Single<LockRefused>(_a);
        Assert.Equal(new LockRefused("k2", RefusalReason.SelfDeadlock, refused.Message), refused);
        Assert.Contains("\"k2\"", refused.Message);
        Assert.Equal(1, _t.Table.KeyCount);
        Assert.Empty(_t.WaitersOf("k2"));
    }

    [Fact]
    public void A_pending_wait_is_refused_as_a_self_deadlock_when_its_owner_is_granted_the_key_by_an_earlier_wait()
    {
        var grant = _t.Acquire(_b, "k");
        _t.Await(_a, "k", Infinite);
        _t.AwaitAll(_a, Infinite, "j", "k");
        _t.Await(_c, "j", Infinite);

        _t.Release(_b, grant);

        var replies = Fx.To(_a).Skip(0).ToList();
        Assert.Equal(2, replies.Count);
        Assert.Equal(new object[] { "k" }, Assert.IsType<LockAcquired>(replies[0]).Grant.Keys);
        var refused = Assert.IsType<LockRefused>(replies[1]);
        Assert.Equal(("k", RefusalReason.SelfDeadlock), (refused.Key, refused.Cause));
        Assert.Empty(_t.WaitersOf("k"));

        // The refused AwaitAll was first in line for the free key "j": it now goes to c.
        Assert.Equal(_c, _t.OwnerOf("j"));
    }
}

using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed partial class LockModeSpecs
{
    // -----------------------------------------------------------------------------------
    // Priority
    // -----------------------------------------------------------------------------------

    [Fact]
    public void A_higher_priority_waits_ahead_of_lower_ones_and_equal_priorities_keep_arrival_order()
    {
        var held = Take(_a, "k", Exclusive);
        Await(_b, "k", Priority(0));
        Await(_c, "k", Priority(1));
        Await(_d, "k", Priority(0));
        Await(_e, "k", Priority(1));

        Assert.Equal(new IActorRef[] { _c, _e, _b, _d }, _t.WaitersOf("k"));
        Assert.Equal(new[] { 1, 1, 0, 0 }, _t.Status("k").Queue.Select(w => w.Priority));

        var order = new List<IActorRef>();
        var grant = held;
        var holder = (IActorRef)_a;
        for (var i = 0; i < 4; i++)
        {
            _t.Release(holder, grant);
            holder = new IActorRef[] { _b, _c, _d, _e }.Single(o => HasGrant(o) && !order.Contains(o));
            order.Add(holder);
            grant = Fx.Last<LockAcquired>(holder).Grant;
        }

        Assert.Equal(new IActorRef[] { _c, _e, _b, _d }, order);
    }

    [Fact]
    public void A_priority_request_granted_past_the_owners_own_wait_refuses_that_wait_as_a_self_deadlock()
    {
        Take(_a, "k1", Exclusive);
        AwaitAll(_b, Exclusive, "k1", "k2");

        Await(_b, "k2", Priority(1));

        Assert.Equal("k2", Assert.Single(Fx.To<LockAcquired>(_b)).Grant.Key);
        var refused = Assert.Single(Fx.To<LockRefused>(_b));
        Assert.Equal(RefusalReason.SelfDeadlock, refused.Cause);
        Assert.Equal("k2", refused.Key);
        Assert.Empty(_t.WaitersOf("k1"));
    }

    [Fact]
    public void A_priority_reader_granted_past_its_own_queued_read_leaves_no_wait_behind_to_be_granted_twice()
    {
        Take(_a, "doc", Shared);
        Await(_b, "doc", Exclusive);
        Await(_c, "doc", Priority(0, LockMode.Shared));
        Await(_c, "doc", Priority(1, LockMode.Shared));
        _t.Check(() => _t.Table.CancelAwait(_b, _b, null));

        Assert.Single(Fx.To<LockAcquired>(_c));
        Assert.Equal(RefusalReason.SelfDeadlock, Assert.Single(Fx.To<LockRefused>(_c)).Cause);
        Assert.Equal(new IActorRef[] { _a, _c }, HoldersOf("doc"));
        Assert.Empty(_t.WaitersOf("doc"));
    }

    [Fact]
    public void Negative_priorities_queue_behind_the_default()
    {
        Take(_a, "k", Exclusive);
        Await(_b, "k", Priority(-1));
        Await(_c, "k", Priority(0));

        Assert.Equal(new IActorRef[] { _c, _b }, _t.WaitersOf("k"));
    }

    [Fact]
    public void A_priority_request_is_granted_on_arrival_when_it_overtakes_a_waiter_the_key_does_not_admit()
    {
        Take(_a, "doc", Shared);
        Await(_b, "doc", Priority(0));

        Await(_c, "doc", Priority(1, LockMode.Shared));
        Await(_d, "doc", Priority(0, LockMode.Shared));

        Assert.Equal(LockMode.Shared, Fx.Single<LockAcquired>(_c).Grant.Mode);
        Assert.False(HasGrant(_d));
        Assert.Equal(new IActorRef[] { _b, _d }, _t.WaitersOf("doc"));
    }

    [Fact]
    public void A_priority_AwaitAll_overtakes_lower_priority_waits_on_each_of_its_keys()
    {
        var gx = Take(_a, "x", Exclusive);
        var gy = Take(_b, "y", Exclusive);
        Await(_c, "x", Priority(0));
        Await(_d, "y", Priority(0));
        AwaitAll(_e, Priority(5), "x", "y");

        Assert.Equal(new IActorRef[] { _e, _c }, _t.WaitersOf("x"));
        Assert.Equal(new IActorRef[] { _e, _d }, _t.WaitersOf("y"));

        _t.Release(_a, gx);
        Assert.False(HasGrant(_e) || HasGrant(_c));
        _t.Release(_b, gy);

        Assert.Equal(new object[] { "x", "y" }, Fx.Single<LockAcquired>(_e).Grant.Keys);
        Assert.False(HasGrant(_c) || HasGrant(_d));
    }

    [Fact]
    public void TryLock_never_overtakes_a_waiter_whatever_its_priority()
    {
        Take(_a, "k", Shared);
        Await(_b, "k", Priority(-5));

        Assert.Equal(new LockBusy("k", _a), TryLock(_c, "k", Shared));
    }

    [Fact]
    public void Inspect_lists_holders_and_the_queue_with_their_terms()
    {
        var ga = Take(_a, "pool", Sem(2));
        Await(_b, "pool", Sem(3, priority: 2));
        AwaitAll(_c, Sem(1), "pool", "other");

        var status = _t.Status("pool");

        Assert.Equal(new[] { new LockHolder(_a, LockMode.Exclusive, 2, ga.FencingToken) }, status.Holders);
        Assert.Equal(new[]
        {
            new LockWaiter(_b, LockMode.Exclusive, 3, 2, ["pool"]),
            new LockWaiter(_c, LockMode.Exclusive, 1, 0, ["pool", "other"]),
        }, status.Queue);
        Assert.Equal(new IActorRef[] { _b, _c }, status.Waiters);
        Assert.Equal(3, status.Capacity);
        Assert.Equal(2, status.PermitsHeld);
    }
}

using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed partial class LockModeSpecs
{
    // -----------------------------------------------------------------------------------
    // Semaphores
    // -----------------------------------------------------------------------------------

    [Fact]
    public void A_semaphore_key_grants_permits_until_its_capacity_and_then_queues()
    {
        var grants = new[] { _a, _b, _c }.Select(o => Take(o, "pool", Sem(1))).ToList();
        Await(_d, "pool", Sem(1));

        Assert.All(grants, g => Assert.Equal(1, g.Permits));
        Assert.False(HasGrant(_d));
        var status = _t.Status("pool");
        Assert.Equal(3, status.Capacity);
        Assert.Equal(3, status.PermitsHeld);

        _t.Release(_b, grants[1]);

        Assert.True(HasGrant(_d));
        Assert.Equal(new IActorRef[] { _a, _c, _d }, HoldersOf("pool"));
    }

    [Fact]
    public void A_large_semaphore_request_first_in_line_is_not_overtaken_by_later_small_ones()
    {
        var big = Take(_a, "pool", Sem(2));
        Await(_b, "pool", Sem(3));
        Await(_c, "pool", Sem(1));
        Assert.IsType<LockBusy>(TryLock(_d, "pool", Sem(1)));

        Assert.False(HasGrant(_b) || HasGrant(_c));

        _t.Release(_a, big);

        Assert.Equal(3, Fx.Single<LockAcquired>(_b).Grant.Permits);
        Assert.False(HasGrant(_c));
        _t.ReleaseKeys(_b, "pool");
        Assert.Equal(1, Fx.Single<LockAcquired>(_c).Grant.Permits);
    }

    [Fact]
    public void Waiters_whose_permits_fit_together_are_granted_together()
    {
        var all = Take(_a, "pool", Sem(3));
        Await(_b, "pool", Sem(2));
        Await(_c, "pool", Sem(1));
        Await(_d, "pool", Sem(1));

        _t.Release(_a, all);

        Assert.True(HasGrant(_b) && HasGrant(_c));
        Assert.False(HasGrant(_d));
        Assert.Equal(3, _t.Status("pool").PermitsHeld);
    }

    [Fact]
    public void A_dead_holder_returns_its_permits_to_the_waiters()
    {
        Take(_a, "pool", Sem(2));
        Take(_b, "pool", Sem(1));
        Await(_c, "pool", Sem(2));

        _t.Terminated(_a);

        Assert.True(HasGrant(_c));
        Assert.Equal(new IActorRef[] { _b, _c }, HoldersOf("pool"));
        Assert.Equal(3, _t.Status("pool").PermitsHeld);
    }

    [Fact]
    public void A_semaphore_key_keeps_its_capacity_while_in_use_and_refuses_another_one()
    {
        Take(_a, "pool", Sem(1, capacity: 3));
        var before = _t.Status("pool");

        Await(_b, "pool", Sem(1, capacity: 2));
        var refused = Fx.Single<LockRefused>(_b);
        Assert.Equal(RefusalReason.CapacityMismatch, refused.Cause);
        Assert.Equal("pool", refused.Key);
        Assert.Contains("capacity 2", refused.Message);
        Assert.Contains("capacity 3", refused.Message);
        Assert.Contains("\"pool\"", refused.Message);
        Assert.Equal(RefusalReason.CapacityMismatch, Assert.IsType<LockRefused>(TryLock(_c, "pool", Exclusive)).Cause);
        Assert.Equal(before, _t.Status("pool"));
        Assert.DoesNotContain(_b, Fx.Watched);

        _t.Goodbye(_a);
        Await(_b, "pool", Sem(1, capacity: 2));
        Assert.Equal(2, _t.Status("pool").Capacity);
    }

    [Fact]
    public void Giving_away_a_semaphore_grant_keeps_its_permits_and_a_heir_that_holds_the_key_is_refused()
    {
        var ga = Take(_a, "pool", Sem(2));
        Take(_b, "pool", Sem(1));

        var refused = Assert.IsType<LockRefused>(_t.Reply(_a, () => _t.Table.GiveAway(_a, _a, ga, _b, null)));
        Assert.Equal(RefusalReason.AlreadyOwner, refused.Cause);
        Assert.Equal("pool", refused.Key);
        Assert.Equal(new IActorRef[] { _a, _b }, HoldersOf("pool"));

        var gave = Assert.IsType<GaveAway>(_t.Reply(_a, () => _t.Table.GiveAway(_a, _a, ga, _c, "gift")));
        Assert.Equal(2, gave.NewGrant.Permits);
        Assert.Equal(_c, gave.NewGrant.Owner);
        Assert.True(gave.NewGrant.FencingToken > ga.FencingToken);
        Assert.Equal(gave.NewGrant, Fx.Single<LockTransferred>(_c).Grant);
        var holders = _t.Status("pool").Holders;
        Assert.Contains(new LockHolder(_c, LockMode.Exclusive, 2, gave.NewGrant.FencingToken), holders);
        Assert.Equal(3, _t.Status("pool").PermitsHeld);
    }

    [Fact]
    public void Lost_grants_keep_their_mode_and_permits()
    {
        var semaphore = Take(_a, "pool", Sem(2));
        var shared = Take(_a, "doc", Shared);
        Take(_b, "doc", Shared);
        _t.Effects.ClearMessages();

        _t.Table.DropAll("restarted");

        var lost = Fx.To<LockLost>(_a).Select(l => l.Grant).ToList();
        Assert.Equal(new[] { semaphore, shared }, lost);
        Assert.Equal(2, lost[0].Permits);
        Assert.Equal(LockMode.Shared, lost[1].Mode);
    }
}

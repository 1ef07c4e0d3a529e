using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

/// <summary>
/// Shared and exclusive modes, semaphore permits and priorities in the lock table: who is granted
/// what, when, and in which order, and what is refused.
/// </summary>
public sealed class LockModeSpecs
{
    private static readonly TimeSpan Infinite = Timeout.InfiniteTimeSpan;
    private static readonly LockTerms Shared = new(LockMode.Shared, 1, 1, 0);
    private static readonly LockTerms Exclusive = LockTerms.Default;

    private readonly TableFixture _t = new();
    private readonly FakeRef _a = TableFixture.Ref("a");
    private readonly FakeRef _b = TableFixture.Ref("b");
    private readonly FakeRef _c = TableFixture.Ref("c");
    private readonly FakeRef _d = TableFixture.Ref("d");
    private readonly FakeRef _e = TableFixture.Ref("e");

    private RecordingEffects Fx => _t.Effects;

    private static LockTerms Sem(int permits, int capacity = 3, int priority = 0) => new(LockMode.Exclusive, permits, capacity, priority);

    private static LockTerms Priority(int priority, LockMode mode = LockMode.Exclusive) => new(mode, 1, 1, priority);

    private object TryLock(IActorRef owner, object key, LockTerms terms) =>
        _t.Reply(owner, () => _t.Table.TryLock(owner, owner, key, terms));

    private void Await(IActorRef owner, object key, LockTerms terms, TimeSpan? timeout = null) =>
        _t.Check(() => _t.Table.Await(owner, owner, key, timeout ?? Infinite, terms, _t.Now));

    private void AwaitAll(IActorRef owner, LockTerms terms, params object[] keys) =>
        _t.Check(() => _t.Table.AwaitAll(owner, owner, keys, Infinite, terms, _t.Now));

    private LockGrant Take(IActorRef owner, object key, LockTerms terms)
    {
        Await(owner, key, terms);
        return Fx.Last<LockAcquired>(owner).Grant;
    }

    private bool HasGrant(IActorRef owner) => Fx.To<LockAcquired>(owner).Count > 0;

    private IReadOnlyList<IActorRef> HoldersOf(object key) => _t.Status(key).Holders.Select(h => h.Owner).ToList();

    // -----------------------------------------------------------------------------------
    // Shared and exclusive
    // -----------------------------------------------------------------------------------

    [Fact]
    public void Shared_requests_hold_a_key_together_and_the_grants_say_shared()
    {
        var ga = Take(_a, "doc", Shared);
        var gb = Take(_b, "doc", Shared);
        var gc = Assert.IsType<LockAcquired>(TryLock(_c, "doc", Shared)).Grant;

        Assert.All([ga, gb, gc], g => Assert.Equal(LockMode.Shared, g.Mode));
        Assert.True(ga.FencingToken < gb.FencingToken && gb.FencingToken < gc.FencingToken);
        var status = _t.Status("doc");
        Assert.Equal(new IActorRef[] { _a, _b, _c }, status.Holders.Select(h => h.Owner));
        Assert.Equal(_a, status.Owner);
        Assert.Equal(ga.FencingToken, status.FencingToken);
        Assert.Equal(3, status.PermitsHeld);
    }

    [Fact]
    public void An_exclusive_request_waits_for_every_shared_holder_to_leave()
    {
        var ga = Take(_a, "doc", Shared);
        var gb = Take(_b, "doc", Shared);
        Await(_c, "doc", Exclusive);
        Assert.False(HasGrant(_c));
        Assert.Equal(new LockBusy("doc", _a), TryLock(_d, "doc", Exclusive));

        _t.Release(_a, ga);
        Assert.False(HasGrant(_c));
        _t.Release(_b, gb);

        var grant = Fx.Single<LockAcquired>(_c).Grant;
        Assert.Equal(LockMode.Exclusive, grant.Mode);
        Assert.Equal(new IActorRef[] { _c }, HoldersOf("doc"));
    }

    [Fact]
    public void Shared_requests_arriving_after_a_waiting_writer_queue_behind_it_and_are_then_granted_together()
    {
        Take(_a, "doc", Shared);
        Await(_b, "doc", Exclusive);
        Await(_c, "doc", Shared);
        Await(_d, "doc", Shared);
        Assert.IsType<LockBusy>(TryLock(_e, "doc", Shared));

        Assert.False(HasGrant(_c) || HasGrant(_d));
        Assert.Equal(new IActorRef[] { _b, _c, _d }, _t.WaitersOf("doc"));

        _t.ReleaseKeys(_a, "doc");
        var writer = Fx.Single<LockAcquired>(_b).Grant;
        Assert.False(HasGrant(_c) || HasGrant(_d));

        _t.Release(_b, writer);
        Assert.Equal(LockMode.Shared, Fx.Single<LockAcquired>(_c).Grant.Mode);
        Assert.Equal(LockMode.Shared, Fx.Single<LockAcquired>(_d).Grant.Mode);
        Assert.Equal(new IActorRef[] { _c, _d }, HoldersOf("doc"));
        Assert.Empty(_t.WaitersOf("doc"));
    }

    [Fact]
    public void Consecutive_shared_waiters_are_granted_together_up_to_the_next_writer()
    {
        var writer = Take(_a, "doc", Exclusive);
        Await(_b, "doc", Shared);
        Await(_c, "doc", Shared);
        Await(_d, "doc", Exclusive);
        Await(_e, "doc", Shared);

        _t.Release(_a, writer);

        Assert.True(HasGrant(_b) && HasGrant(_c));
        Assert.False(HasGrant(_d) || HasGrant(_e));
        Assert.Equal(new IActorRef[] { _d, _e }, _t.WaitersOf("doc"));
    }

    [Fact]
    public void A_shared_TryLock_joins_shared_holders_when_nobody_waits()
    {
        Take(_a, "doc", Shared);

        var grant = Assert.IsType<LockAcquired>(TryLock(_b, "doc", Shared)).Grant;

        Assert.Equal(LockMode.Shared, grant.Mode);
        Assert.Equal(new LockBusy("doc", _a), TryLock(_c, "doc", Exclusive));
    }

    [Fact]
    public void A_shared_holder_awaiting_the_key_again_is_a_self_deadlock_and_TryLock_names_itself()
    {
        Take(_a, "doc", Shared);
        Take(_b, "doc", Shared);

        Await(_a, "doc", Shared);
        var refused = Fx.Last<LockRefused>(_a);
        Assert.Equal(RefusalReason.SelfDeadlock, refused.Cause);
        Assert.Equal("doc", refused.Key);
        Assert.Equal(new LockBusy("doc", _b), TryLock(_b, "doc", Shared));
        Assert.Equal(2, _t.Status("doc").Holders.Count);
    }

    [Fact]
    public void Releasing_one_shared_holder_keeps_the_others_and_a_stranger_cannot_release()
    {
        var ga = Take(_a, "doc", Shared);
        Take(_b, "doc", Shared);

        var failed = Assert.IsType<ReleaseFailed>(_t.ReleaseKeys(_c, "doc"));
        Assert.Equal(ReleaseFailure.NotOwner, failed.Cause);
        Assert.Contains(failed.CurrentOwner, new IActorRef[] { _a, _b });

        Assert.IsType<Released>(_t.Release(_a, ga));
        Assert.Equal(new IActorRef[] { _b }, HoldersOf("doc"));
        Assert.Equal(ReleaseFailure.NotOwner, Assert.IsType<ReleaseFailed>(_t.Release(_a, ga)).Cause);
    }

    [Fact]
    public void AwaitAll_in_shared_mode_joins_readers_on_every_key()
    {
        Take(_a, "x", Shared);
        Take(_b, "y", Shared);

        AwaitAll(_c, Shared, "x", "y");

        var grant = Fx.Single<LockAcquired>(_c).Grant;
        Assert.True(grant.IsMulti);
        Assert.Equal(LockMode.Shared, grant.Mode);
        Assert.Equal(new IActorRef[] { _a, _c }, HoldersOf("x"));
        Assert.Equal(new IActorRef[] { _b, _c }, HoldersOf("y"));
    }

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

    // -----------------------------------------------------------------------------------
    // Invalid terms
    // -----------------------------------------------------------------------------------

    public static TheoryData<int, int, LockMode, string> InvalidTerms => new()
    {
        { 0, 1, LockMode.Exclusive, "permits 0 is below 1" },
        { -2, 3, LockMode.Exclusive, "permits -2 is below 1" },
        { 4, 3, LockMode.Exclusive, "permits 4 is above the capacity 3" },
        { 1, 0, LockMode.Exclusive, "capacity 0 is below 1" },
        { 1, 3, LockMode.Shared, "shared mode needs capacity 1, not 3" },
        { 1, 1, (LockMode)7, "mode 7 is not a LockMode" },
    };

    [Theory]
    [MemberData(nameof(InvalidTerms))]
    public void Invalid_terms_are_refused_naming_the_value_and_change_nothing(int permits, int capacity, LockMode mode, string problem)
    {
        Take(_a, "k", Exclusive);
        var before = _t.Status("k");
        var terms = new LockTerms(mode, permits, capacity, 0);

        Assert.IsType<LockRefused>(TryLock(_b, "k", terms));
        Await(_b, "k", terms);
        AwaitAll(_b, terms, "k", "other");

        var refusals = Fx.To<LockRefused>(_b);
        Assert.Equal(3, refusals.Count);
        Assert.All(refusals, r =>
        {
            Assert.Equal(RefusalReason.InvalidRequest, r.Cause);
            Assert.Null(r.Key);
            Assert.Contains(problem, r.Message);
            Assert.Contains("\"k\"", r.Message);
        });
        Assert.Equal(before, _t.Status("k"));
        Assert.Equal(1, _t.Table.KeyCount);
        Assert.DoesNotContain(_b, Fx.Watched);
    }

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

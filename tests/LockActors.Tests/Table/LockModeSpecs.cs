using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

/// <summary>
/// Shared and exclusive modes, semaphore permits and priorities in the lock table: who is granted
/// what, when, and in which order, and what is refused.
/// </summary>
public sealed partial class LockModeSpecs
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
}

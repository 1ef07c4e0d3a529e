using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed class LockTableSpecs
{
    private static readonly TimeSpan Infinite = Timeout.InfiniteTimeSpan;
    private static readonly TimeSpan HundredMs = TimeSpan.FromMilliseconds(100);

    private readonly TableFixture _t = new();
    private readonly FakeRef _a = TableFixture.Ref("a");
    private readonly FakeRef _b = TableFixture.Ref("b");
    private readonly FakeRef _c = TableFixture.Ref("c");
    private readonly FakeRef _d = TableFixture.Ref("d");

    private RecordingEffects Fx => _t.Effects;

    // -----------------------------------------------------------------------------------
    // TryLock
    // -----------------------------------------------------------------------------------

    [Fact]
    public void TryLock_takes_a_free_key()
    {
        var reply = Assert.IsType<LockAcquired>(_t.TryLock(_a, "k"));

        Assert.Equal(new object[] { "k" }, reply.Grant.Keys);
        Assert.False(reply.Grant.IsMulti);
        Assert.Equal(_a, reply.Grant.Owner);
        Assert.Equal(_a, _t.OwnerOf("k"));
        Assert.Equal(reply.Grant.FencingToken, _t.Status("k").FencingToken);
    }

    [Fact]
    public void TryLock_on_a_key_held_by_another_owner_answers_busy_naming_that_owner()
    {
        _t.Acquire(_a, "k");

        var reply = Assert.IsType<LockBusy>(_t.TryLock(_b, "k"));

        Assert.Equal(new LockBusy("k", _a), reply);
        Assert.Equal(_a, _t.OwnerOf("k"));
        Assert.Empty(_t.WaitersOf("k"));
        Assert.DoesNotContain(_b, Fx.Watched);
    }

    [Fact]
    public void TryLock_on_a_key_the_owner_holds_answers_busy_naming_the_owner_itself()
    {
        var grant = _t.Acquire(_a, "k");

        Assert.Equal(new LockBusy("k", _a), _t.TryLock(_a, "k"));
        Assert.Equal(grant.FencingToken, _t.Status("k").FencingToken);
        Assert.Equal(grant.FencingToken, _t.Table.LastToken);
    }

    [Fact]
    public void TryLock_does_not_overtake_a_waiter_on_a_free_key_promised_to_it()
    {
        MakeK1PromisedToB();

        Assert.Null(_t.OwnerOf("k1"));
        Assert.Equal(new LockBusy("k1", null), _t.TryLock(_d, "k1"));
        Assert.Null(_t.OwnerOf("k1"));
        Assert.Equal(new IActorRef[] { _b }, _t.WaitersOf("k1"));
    }

    // -----------------------------------------------------------------------------------
    // Await
    // -----------------------------------------------------------------------------------

    [Fact]
    public void Await_on_a_free_key_grants_it_at_once()
    {
        _t.Await(_a, "k", Infinite);

        var grant = Fx.Single<LockAcquired>(_a).Grant;
        Assert.Equal(new object[] { "k" }, grant.Keys);
        Assert.False(grant.IsMulti);
        Assert.Equal(_a, _t.OwnerOf("k"));
    }

    [Fact]
    public void Await_on_a_held_key_queues_the_owner_without_replying()
    {
        _t.Acquire(_a, "k");

        _t.Await(_b, "k", Infinite);

        Assert.Empty(Fx.To(_b));
        Assert.Equal(new IActorRef[] { _b }, _t.WaitersOf("k"));
        Assert.Contains(_b, Fx.Watched);
    }

    [Fact]
    public void Release_passes_the_key_to_the_first_waiter()
    {
        var grant = _t.Acquire(_a, "k");
        _t.Await(_b, "k", Infinite);
        _t.Await(_c, "k", Infinite);

        Assert.Equal(new Released(grant.Keys).Keys, Assert.IsType<Released>(_t.Release(_a, grant)).Keys);

        var bGrant = Fx.Single<LockAcquired>(_b).Grant;
        Assert.Equal(_b, bGrant.Owner);
        Assert.Equal(_b, _t.OwnerOf("k"));
        Assert.Empty(Fx.To(_c));
        Assert.Equal(new IActorRef[] { _c }, _t.WaitersOf("k"));
    }

    [Fact]
    public void Five_waiters_are_granted_the_key_in_the_order_they_arrived()
    {
        var waiters = TableFixture.Refs("w1", "w2", "w3", "w4", "w5");
        var grant = _t.Acquire(_a, "k");
        foreach (var w in waiters)
        {
            _t.Await(w, "k", Infinite);
        }

        Assert.Equal(waiters, _t.WaitersOf("k"));

        var holder = (IActorRef)_a;
        for (var i = 0; i < waiters.Length; i++)
        {
            Assert.IsType<Released>(_t.Release(holder, grant));
            grant = Fx.Single<LockAcquired>(waiters[i]).Grant;
            Assert.Equal(waiters[i], _t.OwnerOf("k"));
            Assert.Equal(waiters.Skip(i + 1), _t.WaitersOf("k"));
            foreach (var later in waiters.Skip(i + 1))
            {
                Assert.Empty(Fx.To(later));
            }

            holder = waiters[i];
        }
    }

    [Fact]
    public void A_single_key_waiter_does_not_overtake_an_earlier_multi_key_waiter_on_a_free_key()
    {
        var c2 = MakeK1PromisedToB();
        _t.Await(_d, "k1", Infinite);

        Assert.Null(_t.OwnerOf("k1"));
        Assert.Equal(new IActorRef[] { _b, _d }, _t.WaitersOf("k1"));
        Assert.Empty(Fx.To(_d));

        _t.Release(_c, c2);
        var bGrant = Fx.Single<LockAcquired>(_b).Grant;
        Assert.Equal(new object[] { "k1", "k2" }, bGrant.Keys);
        Assert.Empty(Fx.To(_d));

        _t.Release(_b, bGrant);
        Assert.Equal(_d, Fx.Single<LockAcquired>(_d).Grant.Owner);
    }

    // -----------------------------------------------------------------------------------
    // Timeouts
    // -----------------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(-2)] // -1 ms is Timeout.InfiniteTimeSpan
    [InlineData(-5000)]
    public void Await_with_a_zero_or_negative_timeout_on_a_held_key_times_out_at_once_and_queues_nothing(int ms)
    {
        _t.Acquire(_a, "k");

        _t.Await(_b, "k", TimeSpan.FromMilliseconds(ms));

        Assert.Equal(new object[] { "k" }, Fx.Single<LockTimedOut>(_b).Keys);
        Assert.Empty(_t.WaitersOf("k"));
        Assert.Equal(1, _t.Table.PartyCount);
        Assert.DoesNotContain(_b, Fx.Watches);
        Assert.Null(Fx.LastWakeAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void AwaitAll_with_a_zero_or_negative_timeout_times_out_at_once_listing_the_keys_in_order(int ms)
    {
        _t.Acquire(_a, "k2");

        _t.AwaitAll(_b, TimeSpan.FromMilliseconds(ms), "k3", "k2", "k1");

        Assert.Equal(new object[] { "k3", "k2", "k1" }, Fx.Single<LockTimedOut>(_b).Keys);
        Assert.Equal(1, _t.Table.KeyCount);
        Assert.Equal(1, _t.Table.PartyCount);
    }

    [Fact]
    public void Await_with_a_zero_timeout_on_a_free_key_takes_it()
    {
        _t.Await(_a, "k", TimeSpan.Zero);

        Assert.IsType<LockAcquired>(Fx.Single<object>(_a));
        Assert.Equal(_a, _t.OwnerOf("k"));
    }

    [Fact]
    public void Await_with_a_zero_timeout_on_a_free_key_promised_to_a_waiter_times_out()
    {
        MakeK1PromisedToB();

        _t.Await(_d, "k1", TimeSpan.Zero);

        Assert.IsType<LockTimedOut>(Fx.Single<object>(_d));
        Assert.Equal(new IActorRef[] { _b }, _t.WaitersOf("k1"));
    }

    [Fact]
    public void A_finite_wait_times_out_when_the_clock_reaches_its_deadline_and_not_before()
    {
        _t.Now = 1_000;
        _t.Acquire(_a, "k");

        _t.Await(_b, "k", HundredMs);
        Assert.Equal(1_100, Fx.LastWakeAt);

        _t.ExpireAt(1_099);
        Assert.Empty(Fx.To(_b));
        Assert.Equal(new IActorRef[] { _b }, _t.WaitersOf("k"));

        _t.ExpireAt(1_100);
        Assert.Equal(new object[] { "k" }, Fx.Single<LockTimedOut>(_b).Keys);
        Assert.Empty(_t.WaitersOf("k"));
        Assert.DoesNotContain(_b, Fx.Watched);
        Assert.Equal(_a, _t.OwnerOf("k"));
    }

    [Fact]
    public void An_infinite_wait_never_expires()
    {
        _t.Acquire(_a, "k");

        _t.Await(_b, "k", Infinite);
        _t.AwaitAll(_c, Infinite, "k", "j");
        Assert.Null(Fx.LastWakeAt);

        _t.ExpireAt(long.MaxValue);
        Assert.Empty(Fx.To(_b));
        Assert.Empty(Fx.To(_c));
        Assert.Equal(new IActorRef[] { _b, _c }, _t.WaitersOf("k"));
    }

    [Fact]
    public void Without_a_timeout_Await_and_AwaitAll_both_use_the_one_default()
    {
        _t.Now = 2_000;
        _t.Acquire(_a, "k");

        _t.AwaitAll(_c, null, "k", "j");
        Assert.Equal(2_000 + 5_000, Fx.LastWakeAt);

        _t.Now = 3_000;
        _t.Await(_b, "k");

        _t.ExpireAt(7_000);
        Assert.IsType<LockTimedOut>(Fx.Single<object>(_c));
        Assert.Empty(Fx.To(_b));
        Assert.Equal(new IActorRef[] { _b }, _t.WaitersOf("k"));

        _t.ExpireAt(8_000);
        Assert.IsType<LockTimedOut>(Fx.Single<object>(_b));
    }

    [Fact]
    public void The_table_asks_to_be_woken_for_the_next_deadline_after_expiring_one()
    {
        _t.Now = 0;
        _t.Acquire(_a, "k");
        _t.Await(_b, "k", TimeSpan.FromMilliseconds(300));
        _t.Await(_c, "k", HundredMs);
        Assert.Equal(100, Fx.LastWakeAt);

        _t.ExpireAt(100);

        Assert.IsType<LockTimedOut>(Fx.Single<object>(_c));
        Assert.Equal(300, Fx.LastWakeAt);
    }

    [Fact]
    public void A_timed_out_waiter_passes_its_turn_to_the_next_one()
    {
        _t.Now = 1_000;
        var grant = _t.Acquire(_a, "k");
        _t.Await(_b, "k", HundredMs);
        _t.Await(_c, "k", Infinite);

        _t.ExpireAt(1_100);
        _t.Release(_a, grant);

        Assert.IsType<LockTimedOut>(Fx.Single<object>(_b));
        Assert.Equal(_c, Fx.Single<LockAcquired>(_c).Grant.Owner);
        Assert.Equal(_c, _t.OwnerOf("k"));
    }

    [Fact]
    public void When_the_waiter_promised_a_free_key_times_out_the_next_waiter_takes_the_key()
    {
        _t.Now = 1_000;
        _t.Acquire(_c, "k2");
        var a1 = _t.Acquire(_a, "k1");
        _t.AwaitAll(_b, HundredMs, "k1", "k2");
        _t.Await(_d, "k1", Infinite);
        _t.Release(_a, a1);
        Assert.Null(_t.OwnerOf("k1"));

        _t.ExpireAt(1_100);

        Assert.IsType<LockTimedOut>(Fx.Single<object>(_b));
        Assert.Equal(_d, _t.OwnerOf("k1"));
        Assert.Equal(_d, Fx.Single<LockAcquired>(_d).Grant.Owner);
    }

    [Fact]
    public void Deadlines_stay_exact_after_many_withdrawn_waits_are_cleared_from_the_deadline_heap()
    {
        // More than 1,024 withdrawn waits with deadlines make the table rebuild its deadline heap.
        _t.Now = 0;
        var grant = _t.Acquire(_a, "k");
        var waiters = Enumerable.Range(0, 1_500).Select(i => TableFixture.Ref($"w{i}")).ToArray();
        for (var i = 0; i < waiters.Length; i++)
        {
            _t.Table.Await(waiters[i], waiters[i], "k", TimeSpan.FromMilliseconds(1_000 + i), _t.Now);
        }

        for (var i = 0; i < 1_400; i++)
        {
            _t.Table.CancelAwait(waiters[i], waiters[i], null);
        }

        _t.Table.CheckInvariants();
        Assert.Equal(waiters.Skip(1_400), _t.WaitersOf("k"));

        _t.ExpireAt(1_000 + 1_449);

        Assert.All(waiters.Skip(1_400).Take(50), w => Assert.IsType<LockTimedOut>(Fx.Single<object>(w)));
        Assert.All(waiters.Skip(1_450), w => Assert.Empty(Fx.To(w)));
        Assert.Equal(1_000 + 1_450, Fx.LastWakeAt);

        _t.Release(_a, grant);
        Assert.IsType<LockAcquired>(Fx.Single<object>(waiters[1_450]));
    }

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

    // -----------------------------------------------------------------------------------
    // Terminated
    // -----------------------------------------------------------------------------------

    [Fact]
    public void A_terminated_owner_releases_its_keys_and_they_pass_to_their_waiters()
    {
        _t.Acquire(_a, "k1");
        _t.AcquireAll(_a, "k2", "k3");
        _t.Await(_b, "k1", Infinite);
        _t.AwaitAll(_c, Infinite, "k3", "k2");

        _t.Terminated(_a);

        Assert.Equal(_b, _t.OwnerOf("k1"));
        Assert.Equal(new object[] { "k3", "k2" }, Fx.Single<LockAcquired>(_c).Grant.Keys);
        Assert.DoesNotContain(_a, Fx.Unwatches);
        Assert.Equal(2, _t.Table.PartyCount);
    }

    [Fact]
    public void A_terminated_waiter_leaves_every_queue_and_is_never_granted_anything()
    {
        var k1 = _t.Acquire(_a, "k1");
        var k2 = _t.Acquire(_a, "k2");
        _t.AwaitAll(_b, Infinite, "k1", "k2");
        _t.Await(_b, "k2", Infinite);
        _t.Await(_c, "k2", Infinite);

        _t.Terminated(_b);

        Assert.Empty(_t.WaitersOf("k1"));
        Assert.Equal(new IActorRef[] { _c }, _t.WaitersOf("k2"));
        Assert.Empty(Fx.To(_b));

        _t.Release(_a, k1);
        _t.Release(_a, k2);
        Assert.Empty(Fx.To(_b));
        Assert.Equal(_c, _t.OwnerOf("k2"));
        Assert.Null(_t.OwnerOf("k1"));
    }

    [Fact]
    public void The_death_of_a_named_owner_cancels_its_waits_towards_the_asker()
    {
        var client = TableFixture.Ref("client");
        _t.Acquire(_a, "k");
        _t.Check(() => _t.Table.Await(_b, client, "k", Infinite, _t.Now));

        _t.Terminated(_b);

        Assert.Equal(new object[] { "k" }, Fx.Single<AwaitCancelled>(client).Keys);
        Assert.Empty(_t.WaitersOf("k"));
    }

    [Fact]
    public void The_death_of_an_actor_the_table_does_not_know_changes_nothing()
    {
        _t.Acquire(_a, "k");
        Fx.ClearMessages();

        _t.Terminated(_b);

        Assert.Empty(Fx.Sent);
        Assert.Equal(_a, _t.OwnerOf("k"));
        Assert.Equal(1, _t.Table.PartyCount);
    }

    // -----------------------------------------------------------------------------------
    // CancelAwait
    // -----------------------------------------------------------------------------------

    [Fact]
    public void CancelAwait_with_keys_withdraws_only_the_waits_that_involve_them()
    {
        _t.AcquireAll(_b, "k1", "k2", "k3", "k4");
        Fx.ClearMessages();
        _t.Await(_a, "k1", Infinite);
        _t.AwaitAll(_a, Infinite, "k2", "k3");
        _t.Await(_a, "k4", Infinite);

        _t.Check(() => _t.Table.CancelAwait(_a, _a, ["k3"]));

        Assert.Equal(new object[] { "k2", "k3" }, Fx.Single<AwaitCancelled>(_a).Keys);
        Assert.Equal(new IActorRef[] { _a }, _t.WaitersOf("k1"));
        Assert.Empty(_t.WaitersOf("k2"));
        Assert.Empty(_t.WaitersOf("k3"));
        Assert.Equal(new IActorRef[] { _a }, _t.WaitersOf("k4"));
        Assert.Contains(_a, Fx.Watched);
    }

    [Fact]
    public void CancelAwait_without_keys_withdraws_every_wait_of_the_owner()
    {
        _t.AcquireAll(_b, "k1", "k2");
        Fx.ClearMessages();
        _t.Await(_a, "k1", Infinite);
        _t.AwaitAll(_a, Infinite, "k2", "k9");
        _t.Await(_c, "k1", Infinite);

        _t.Check(() => _t.Table.CancelAwait(_a, _a, null));

        var cancelled = Fx.To<AwaitCancelled>(_a);
        Assert.Equal(2, cancelled.Count);
        Assert.Equal(new object[] { "k1" }, cancelled[0].Keys);
        Assert.Equal(new object[] { "k2", "k9" }, cancelled[1].Keys);
        Assert.Equal(new IActorRef[] { _c }, _t.WaitersOf("k1"));
        Assert.DoesNotContain(_a, Fx.Watched);
        Assert.Equal(2, _t.Table.KeyCount);
    }

    [Fact]
    public void CancelAwait_by_the_waiter_promised_a_free_key_passes_the_key_on()
    {
        MakeK1PromisedToB();
        _t.Await(_d, "k1", Infinite);

        _t.Check(() => _t.Table.CancelAwait(_b, _b, null));

        Assert.Equal(_d, _t.OwnerOf("k1"));
        Assert.Equal(_d, Fx.Single<LockAcquired>(_d).Grant.Owner);
    }

    [Fact]
    public void CancelAwait_of_an_owner_with_no_waits_sends_nothing()
    {
        _t.Acquire(_a, "k");
        Fx.ClearMessages();

        _t.Check(() => _t.Table.CancelAwait(_a, _a, null));
        _t.Check(() => _t.Table.CancelAwait(_b, _b, ["k"]));

        Assert.Empty(Fx.Sent);
        Assert.Equal(_a, _t.OwnerOf("k"));
    }

    // -----------------------------------------------------------------------------------
    // Watching
    // -----------------------------------------------------------------------------------

    [Fact]
    public void An_owner_is_watched_once_however_many_keys_it_holds_and_waits_for()
    {
        _t.Acquire(_b, "k9");
        _t.Acquire(_a, "k1");
        _t.TryLock(_a, "k2");
        _t.AcquireAll(_a, "k3", "k4");
        _t.Await(_a, "k9", Infinite);
        _t.AwaitAll(_a, Infinite, "k9", "k8");

        Assert.Single(Fx.Watches, w => w.Equals(_a));
        Assert.Empty(Fx.Unwatches);
    }

    [Fact]
    public void An_owner_is_unwatched_when_it_holds_and_waits_for_nothing()
    {
        var k1 = _t.Acquire(_a, "k1");
        _t.Acquire(_b, "k9");
        _t.Await(_a, "k9", Infinite);

        _t.Release(_a, k1);
        Assert.Contains(_a, Fx.Watched);

        _t.Check(() => _t.Table.CancelAwait(_a, _a, null));
        Assert.DoesNotContain(_a, Fx.Watched);
        Assert.Equal(new IActorRef[] { _a }, Fx.Unwatches);
    }

    [Fact]
    public void Requests_that_end_at_once_without_a_lock_do_not_watch_the_requester()
    {
        _t.Acquire(_a, "k");

        _t.TryLock(_b, "k");
        _t.Await(_b, "k", TimeSpan.Zero);
        _t.AwaitAll(_b, TimeSpan.Zero, "k", "j");
        _t.Release(_b, new LockGrant(["k"], false, _b, 1, null));

        Assert.Equal(new IActorRef[] { _a }, Fx.Watches);
        Assert.Equal(1, _t.Table.PartyCount);
    }

    // -----------------------------------------------------------------------------------
    // Fencing tokens
    // -----------------------------------------------------------------------------------

    [Fact]
    public void Fencing_tokens_strictly_increase_over_every_grant()
    {
        var g1 = _t.Acquire(_a, "k1");
        _t.Await(_b, "k1", Infinite);
        _t.AwaitAll(_c, Infinite, "k1", "k2");
        _t.TryLock(_d, "k3");
        _t.Release(_a, g1);
        var bGrant = Fx.Single<LockAcquired>(_b).Grant;
        _t.Check(() => _t.Table.GiveAway(_b, _b, bGrant, _a, null));
        _t.Terminated(_a);

        var tokens = Fx.Sent.Select(m => m.Message switch
        {
            LockAcquired x => x.Grant.FencingToken,
            GaveAway x => x.NewGrant.FencingToken,
            _ => (long?)null,
        }).OfType<long>().ToList();

        Assert.Equal(5, tokens.Count);
        Assert.All(tokens.Zip(tokens.Skip(1)), pair => Assert.True(pair.First < pair.Second, $"{pair.First} then {pair.Second}"));
        Assert.Equal(tokens[^1], _t.Table.LastToken);
    }

    [Fact]
    public void A_table_counts_fencing_tokens_up_from_the_last_token_it_is_given()
    {
        var fx = new RecordingEffects();
        var table = new LockTable(new LockManagerSettings(), fx, lastToken: 41);

        table.TryLock(_a, _a, "k");

        Assert.Equal(42, fx.Single<LockAcquired>(_a).Grant.FencingToken);
    }

    // -----------------------------------------------------------------------------------
    // Inspect and Status
    // -----------------------------------------------------------------------------------

    [Fact]
    public void Status_lists_the_owner_its_token_and_the_waiters_in_arrival_order()
    {
        var grant = _t.Acquire(_a, "k1");
        _t.Await(_b, "k1", Infinite);
        _t.AwaitAll(_c, Infinite, "k2", "k1");
        _t.Await(_d, "k1", Infinite);

        var status = _t.Status("k1");
        Assert.Equal("k1", status.Key);
        Assert.Equal(_a, status.Owner);
        Assert.Equal(grant.FencingToken, status.FencingToken);
        Assert.Equal(new IActorRef[] { _b, _c, _d }, status.Waiters);

        var k2 = _t.Status("k2");
        Assert.Null(k2.Owner);
        Assert.Null(k2.FencingToken);
        Assert.Equal(new IActorRef[] { _c }, k2.Waiters);
    }

    [Fact]
    public void Inspect_sends_the_status_to_the_asker_and_a_free_key_has_no_owner_and_no_waiters()
    {
        var asker = TableFixture.Ref("asker");
        _t.Acquire(_a, "k");

        _t.Check(() => _t.Table.Inspect(asker, "k"));
        _t.Check(() => _t.Table.Inspect(asker, "other"));

        var replies = Fx.To<KeyStatus>(asker);
        Assert.Equal(_a, replies[0].Owner);
        Assert.Equal(KeyStatus.Free("other"), replies[1]);
        Assert.Empty(replies[1].Waiters);
    }

    [Fact]
    public void WhereIs_names_the_owner_and_SendToOwner_forwards_keeping_the_sender()
    {
        var asker = TableFixture.Ref("asker");
        _t.Acquire(_a, "k");

        _t.Check(() => _t.Table.WhereIs(asker, "k"));
        _t.Check(() => _t.Table.WhereIs(asker, "free"));
        _t.Check(() => _t.Table.SendToOwner(asker, "k", "hello"));
        _t.Check(() => _t.Table.SendToOwner(asker, "free", "hello"));

        Assert.Equal(new object[] { new KeyOwner("k", _a), new KeyOwner("free", null), new NoOwner("free") }, Fx.To(asker));
        Assert.Equal((_a, (object)"hello", asker), Assert.Single(Fx.Forwards));
    }

    // -----------------------------------------------------------------------------------
    // DropAll
    // -----------------------------------------------------------------------------------

    [Fact]
    public void DropAll_tells_every_owner_each_grant_it_lost_and_refuses_every_pending_wait()
    {
        var single = _t.Acquire(_a, "k1");
        var multi = _t.AcquireAll(_a, "k2", "k3", "k4");
        _t.ReleaseKeys(_a, "k3");
        _t.Await(_b, "k1", Infinite);
        _t.AwaitAll(_c, Infinite, "k9", "k2");
        Fx.ClearMessages();

        _t.Table.DropAll("the manager restarted");

        var lost = Fx.To<LockLost>(_a).OrderBy(l => l.Grant.FencingToken).ToList();
        Assert.Equal(2, lost.Count);
        Assert.Equal(single, lost[0].Grant);
        Assert.Equal(multi.FencingToken, lost[1].Grant.FencingToken);
        Assert.Equal(new object[] { "k2", "k4" }, lost[1].Grant.Keys);
        Assert.All(lost, l => Assert.Equal("the manager restarted", l.Message));

        var bRefused = Fx.Single<LockRefused>(_b);
        Assert.Equal(("k1", RefusalReason.ManagerRestarted), (bRefused.Key, bRefused.Cause));
        var cRefused = Fx.Single<LockRefused>(_c);
        Assert.Equal(("k9", RefusalReason.ManagerRestarted), (cRefused.Key, cRefused.Cause));

        Assert.Equal(0, _t.Table.KeyCount);
        Assert.Equal(0, _t.Table.PartyCount);
        _t.Table.CheckInvariants();
    }

    // -----------------------------------------------------------------------------------
    // Bad input
    // -----------------------------------------------------------------------------------

    [Fact]
    public void A_null_key_is_refused_as_an_invalid_request_and_changes_nothing()
    {
        SetUpBusyTable();

        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.TryLock(_d, _d, null));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.Await(_d, _d, null, Infinite, _t.Now));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.AwaitAll(_d, _d, ["k1", null!], Infinite, _t.Now));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.ReleaseKeys(_a, _a, [null!]));
        AssertRefusedWithoutChange(_b, null, RefusalReason.InvalidRequest, t => t.CancelAwait(_b, _b, ["k1", null!]));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.Inspect(_d, null));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.WhereIs(_d, null));
    }

    [Fact]
    public void A_null_or_empty_key_list_is_refused_as_an_invalid_request_and_changes_nothing()
    {
        SetUpBusyTable();

        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.AwaitAll(_d, _d, null, Infinite, _t.Now));
        AssertRefusedWithoutChange(_d, null, RefusalReason.InvalidRequest, t => t.AwaitAll(_d, _d, [], Infinite, _t.Now));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.ReleaseKeys(_a, _a, null));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.ReleaseKeys(_a, _a, []));
        AssertRefusedWithoutChange(_b, null, RefusalReason.InvalidRequest, t => t.CancelAwait(_b, _b, []));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.Release(_a, _a, new LockGrant([], false, _a, 1, null)));
    }

    [Fact]
    public void A_duplicate_key_is_refused_naming_the_key_and_changes_nothing()
    {
        var grant = SetUpBusyTable();

        AssertRefusedWithoutChange(_d, "k2", RefusalReason.DuplicateKey, t => t.AwaitAll(_d, _d, ["k1", "k2", "k3", "k2"], Infinite, _t.Now));
        AssertRefusedWithoutChange(_a, "k1", RefusalReason.DuplicateKey, t => t.ReleaseKeys(_a, _a, ["k1", "k1"]));
        AssertRefusedWithoutChange(_b, "k1", RefusalReason.DuplicateKey, t => t.CancelAwait(_b, _b, ["k1", "k1"]));
        AssertRefusedWithoutChange(_a, "k1", RefusalReason.DuplicateKey, t => t.Release(_a, _a, grant with { Keys = ["k1", "k1"] }));
        AssertRefusedWithoutChange(_a, "k1", RefusalReason.DuplicateKey, t => t.GiveAway(_a, _a, grant with { Keys = ["k1", "k1"] }, _d, null));

        // Many keys take another path to find duplicates.
        var many = Enumerable.Range(0, 20).Select(i => (object)$"m{i}").Append("m7").ToArray();
        AssertRefusedWithoutChange(_d, "m7", RefusalReason.DuplicateKey, t => t.AwaitAll(_d, _d, many, Infinite, _t.Now));
    }

    [Fact]
    public void Keys_equal_by_value_are_the_same_key_and_keys_of_different_types_are_not()
    {
        _t.TryLock(_a, 1);

        Assert.Equal(new LockBusy(1, _a), _t.TryLock(_b, 1));
        Assert.IsType<LockAcquired>(_t.TryLock(_b, 1L));
        Assert.IsType<LockAcquired>(_t.TryLock(_b, 1.0));
        Assert.IsType<LockAcquired>(_t.TryLock(_b, ("a", 1)));
        Assert.Equal(new LockBusy(("a", 1), _b), _t.TryLock(_c, ("a", 1)));

        var refused = Assert.IsType<LockRefused>(_t.Reply(_c, () => _t.Table.AwaitAll(_c, _c, [("x", 2), ("x", 2)], Infinite, _t.Now)));
        Assert.Equal(RefusalReason.DuplicateKey, refused.Cause);
    }

    [Fact]
    public void Too_many_keys_are_refused_as_an_invalid_request_and_change_nothing()
    {
        var t = new TableFixture(new LockManagerSettings { MaxKeysPerRequest = 3 });
        var tooMany = new object[] { "k1", "k2", "k3", "k4" };
        t.AcquireAll(_a, "k1", "k2", "k3");

        foreach (var (replyTo, request) in new (IActorRef, Action<LockTable>)[]
                 {
                     (_b, table => table.AwaitAll(_b, _b, tooMany, Infinite, t.Now)),
                     (_a, table => table.ReleaseKeys(_a, _a, tooMany)),
                     (_a, table => table.CancelAwait(_a, _a, tooMany)),
                 })
        {
            var before = Snapshot(t, tooMany);
            var refused = Assert.IsType<LockRefused>(t.Reply(replyTo, () => request(t.Table)));
            Assert.Equal((null, RefusalReason.InvalidRequest), (refused.Key, refused.Cause));
            Assert.Contains("3", refused.Message);
            Assert.Equal(before, Snapshot(t, tooMany));
        }

        // A list of exactly the maximum is fine.
        Assert.IsType<Released>(t.ReleaseKeys(_a, "k1", "k2", "k3"));
    }

    [Fact]
    public void A_null_grant_or_heir_is_refused_as_an_invalid_request_and_changes_nothing()
    {
        var grant = SetUpBusyTable();

        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.Release(_a, _a, null));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.GiveAway(_a, _a, null, _d, null));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.GiveAway(_a, _a, grant, null, null));
        AssertRefusedWithoutChange(_a, null, RefusalReason.InvalidRequest, t => t.GiveAway(_a, _a, grant, ActorRefs.Nobody, null));
    }

    // -----------------------------------------------------------------------------------
    // Helpers
    // -----------------------------------------------------------------------------------

    /// <summary>c holds k2, a held k1 and released it while b waits for both: k1 is free but promised to b.</summary>
    private LockGrant MakeK1PromisedToB()
    {
        var k2 = _t.Acquire(_c, "k2");
        var k1 = _t.Acquire(_a, "k1");
        _t.AwaitAll(_b, Infinite, "k1", "k2");
        _t.Release(_a, k1);
        Assert.Null(_t.OwnerOf("k1"));
        Assert.Empty(Fx.To(_b));
        return k2;
    }

    private static readonly object[] BusyKeys = ["k1", "k2", "k3", "k9", "m7"];

    /// <summary>a holds k1 and k2 (one grant), b waits for k1, c waits for k1 and k3.</summary>
    private LockGrant SetUpBusyTable()
    {
        var grant = _t.AcquireAll(_a, "k1", "k2");
        _t.Await(_b, "k1", HundredMs);
        _t.AwaitAll(_c, Infinite, "k3", "k1");
        return grant;
    }

    private void AssertRefusedWithoutChange(IActorRef replyTo, object? key, RefusalReason reason, Action<LockTable> request)
    {
        var before = Snapshot(_t, BusyKeys);
        var watches = (Fx.Watches.Count, Fx.Unwatches.Count, Fx.LastWakeAt);

        var refused = Assert.IsType<LockRefused>(_t.Reply(replyTo, () => request(_t.Table)));

        Assert.Equal(key, refused.Key);
        Assert.Equal(reason, refused.Cause);
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
        if (key is string k)
        {
            Assert.Contains($"\"{k}\"", refused.Message);
        }

        Assert.Equal(before, Snapshot(_t, BusyKeys));
        Assert.Equal(watches, (Fx.Watches.Count, Fx.Unwatches.Count, Fx.LastWakeAt));
    }

    private static string Snapshot(TableFixture t, IEnumerable<object> keys)
    {
        var lines = keys.Select(k =>
        {
            var s = t.Status(k);
            return $"{k}: owner={s.Owner} token={s.FencingToken} waiters=[{string.Join(",", s.Waiters)}]";
        });
        return $"keys={t.Table.KeyCount} parties={t.Table.PartyCount} last={t.Table.LastToken}\n" + string.Join("\n", lines);
    }
}

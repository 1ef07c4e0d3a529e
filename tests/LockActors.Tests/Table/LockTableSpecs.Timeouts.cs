using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed partial class LockTableSpecs
{
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
}

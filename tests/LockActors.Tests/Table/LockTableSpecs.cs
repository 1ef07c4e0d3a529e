using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed partial class LockTableSpecs
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

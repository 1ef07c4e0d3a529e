using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed partial class LockTableSpecs
{
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
}

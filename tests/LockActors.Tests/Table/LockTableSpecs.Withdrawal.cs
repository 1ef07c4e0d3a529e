using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

public sealed partial class LockTableSpecs
{
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
}

using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: every Await/AwaitAll gets exactly one reply. A wait withdrawn by CancelAwait, by
// Goodbye or by the death of its named owner is answered AwaitCancelled (with the request's keys)
// at its sender, leaves every queue, and is never granted afterwards. Goodbye also releases every
// key of the owner and says which.
public sealed class WithdrawnWaitSpecs : LockSpecBase
{
    public WithdrawnWaitSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void CancelAwait_withdraws_the_waits_involving_the_keys_and_answers_each_once()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = LockAll(manager, holder, "c1", "c2", "c3");
        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("c1", Timeout.InfiniteTimeSpan));
        waiter.Send(manager, new AwaitAll(new object[] { "c3", "c2" }));
        waiter.Send(manager, new Await("c3", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "c1", waiter.Ref);

        waiter.Send(manager, new CancelAwait(new object[] { "c2" }));

        Assert.Equal(new object[] { "c3", "c2" }, waiter.ExpectMsg<AwaitCancelled>(Patience).Keys);
        waiter.ExpectNoMsg(Brief);
        Assert.Empty(Inspect(manager, "c2").Waiters);
        Assert.Equal(new[] { waiter.Ref }, Inspect(manager, "c3").Waiters);

        // The others are still served, the withdrawn one never is.
        Release(manager, holder, grant);
        var got = new[] { waiter.ExpectMsg<LockAcquired>(Patience), waiter.ExpectMsg<LockAcquired>(Patience) };
        Assert.Equal(new[] { "c1", "c3" }, got.Select(g => (string)g.Grant.Key).OrderBy(k => k));
        waiter.ExpectNoMsg(Brief);
        AssertFree(manager, "c2");
    }

    [Fact]
    public void CancelAwait_without_keys_withdraws_every_wait_of_the_owner_and_nobody_elses()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "all");
        var quitter = CreateTestProbe();
        var stayer = CreateTestProbe();
        quitter.Send(manager, new Await("all", Timeout.InfiniteTimeSpan));
        stayer.Send(manager, new Await("all", Timeout.InfiniteTimeSpan));
        quitter.Send(manager, new AwaitAll(new object[] { "all", "other" }));

        quitter.Send(manager, new CancelAwait());

        quitter.ExpectMsg<AwaitCancelled>(Patience);
        quitter.ExpectMsg<AwaitCancelled>(Patience);
        Assert.Equal(new[] { stayer.Ref }, Inspect(manager, "all").Waiters);
        Release(manager, holder, grant);
        stayer.ExpectMsg<LockAcquired>(Patience);
        quitter.ExpectNoMsg(Brief);
    }

    [Fact]
    public void CancelAwait_with_nothing_pending_sends_nothing()
    {
        var manager = NewManager();
        var someone = CreateTestProbe();

        someone.Send(manager, new CancelAwait());
        someone.Send(manager, new CancelAwait(new object[] { "nothing" }));

        Assert.Null(WhereIs(manager, "nothing"));
        someone.ExpectNoMsg(Brief);
    }

    [Fact]
    public void Goodbye_releases_every_key_of_the_owner_and_withdraws_its_waits()
    {
        var manager = NewManager();
        var leaver = CreateTestProbe();
        Lock(manager, leaver, "g1");
        LockAll(manager, leaver, "g2", "g3");
        var other = CreateTestProbe();
        var otherGrant = Lock(manager, other, "g4");
        leaver.Send(manager, new Await("g4", Timeout.InfiniteTimeSpan));
        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("g2", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "g2", waiter.Ref);

        leaver.Send(manager, new Goodbye());

        var replies = new[] { leaver.ExpectMsg<object>(Patience), leaver.ExpectMsg<object>(Patience) };
        Assert.Equal(new object[] { "g4" }, replies.OfType<AwaitCancelled>().Single().Keys);
        Assert.Equal(new[] { "g1", "g2", "g3" }, replies.OfType<GoodbyeDone>().Single().Keys.Cast<string>().OrderBy(k => k));
        waiter.ExpectMsg<LockAcquired>(Patience);
        AssertFree(manager, "g1");
        Assert.Equal(other.Ref, WhereIs(manager, "g4"));
        Assert.Empty(Inspect(manager, "g4").Waiters);
        Release(manager, other, otherGrant);
        leaver.ExpectNoMsg(Brief);
    }

    [Fact]
    public void Goodbye_from_an_unknown_owner_answers_an_empty_GoodbyeDone()
    {
        var manager = NewManager();
        var stranger = CreateTestProbe();

        stranger.Send(manager, new Goodbye());

        Assert.Empty(stranger.ExpectMsg<GoodbyeDone>(Patience).Keys);
    }

    [Fact]
    public void The_death_of_a_named_owner_answers_its_pending_wait_AwaitCancelled_at_the_sender()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "for-owner");
        var owner = CreateTestProbe();
        var sender = CreateTestProbe();
        sender.Send(manager, new Await("for-owner", Timeout.InfiniteTimeSpan) { Owner = owner.Ref });
        AwaitWaiting(manager, "for-owner", owner.Ref);

        KillAndWait(owner.Ref);

        Assert.Equal(new object[] { "for-owner" }, sender.ExpectMsg<AwaitCancelled>(Patience).Keys);
        Assert.Empty(Inspect(manager, "for-owner").Waiters);
        Release(manager, holder, grant);
        AssertFree(manager, "for-owner");
        sender.ExpectNoMsg(Brief);
    }
}

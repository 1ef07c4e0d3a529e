using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: a released key goes to the waiting request that arrived first. Waiters that stop
// waiting (timed out, killed) pass their turn to the next in line, a give-away moves the key to
// the heir without disturbing the queue, and a time-out that meets a release leaves the key
// either with the waiter (granted) or free, never lost.
public sealed class GrantOrderSpecs : LockSpecBase
{
    public GrantOrderSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Fact]
    public void A_released_key_goes_to_the_waiters_in_the_order_they_arrived()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "fifo");

        var waiters = Enumerable.Range(0, 5).Select(_ => CreateTestProbe()).ToList();
        foreach (var waiter in waiters)
        {
            waiter.Send(manager, new Await("fifo", Timeout.InfiniteTimeSpan));
            AwaitWaiting(manager, "fifo", waiter.Ref);
        }

        Assert.Equal(waiters.Select(w => w.Ref), Inspect(manager, "fifo").Waiters);

        Release(manager, holder, grant);
        for (var i = 0; i < waiters.Count; i++)
        {
            var current = waiters[i];
            var next = current.ExpectMsg<LockAcquired>(Patience).Grant;
            Assert.Equal(current.Ref, WhereIs(manager, "fifo"));

            // Nobody later in line was served at the same time.
            foreach (var later in waiters.Skip(i + 1))
            {
                later.ExpectNoMsg(TimeSpan.Zero);
            }

            Release(manager, current, next);
        }

        AssertFree(manager, "fifo");
    }

    [Fact]
    public void A_timed_out_waiter_passes_its_turn_to_the_next_waiter_in_line()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "skip");

        var first = CreateTestProbe();
        var second = CreateTestProbe();
        first.Send(manager, new Await("skip", TimeSpan.FromMilliseconds(200)));
        second.Send(manager, new Await("skip", Timeout.InfiniteTimeSpan));
        // The manager answers in mailbox order: both waits are queued before this inspection,
        // and the first one's timer cannot be handled before it.
        Assert.Equal(new[] { first.Ref, second.Ref }, Inspect(manager, "skip").Waiters);

        first.ExpectMsg<LockTimedOut>(Patience);
        Assert.Equal(new[] { second.Ref }, Inspect(manager, "skip").Waiters);

        Release(manager, holder, grant);
        Assert.Equal(second.Ref, second.ExpectMsg<LockAcquired>(Patience).Grant.Owner);
        first.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_killed_waiter_passes_its_turn_to_the_next_waiter_in_line()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "skip-dead");

        var first = CreateTestProbe();
        first.Send(manager, new Await("skip-dead", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "skip-dead", first.Ref);
        KillAndWait(first.Ref);
        AwaitNotWaiting(manager, "skip-dead", first.Ref);

        var second = CreateTestProbe();
        second.Send(manager, new Await("skip-dead", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "skip-dead", second.Ref);

        Release(manager, holder, grant);
        second.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal(second.Ref, WhereIs(manager, "skip-dead"));
    }

    [Fact]
    public void A_waiter_killed_in_the_middle_of_the_line_keeps_the_others_in_order()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "middle");

        var a = CreateTestProbe();
        var doomed = CreateTestProbe();
        var c = CreateTestProbe();
        foreach (var w in new[] { a, doomed, c })
        {
            w.Send(manager, new Await("middle", Timeout.InfiniteTimeSpan));
        }

        Assert.Equal(new[] { a.Ref, doomed.Ref, c.Ref }, Inspect(manager, "middle").Waiters);
        KillAndWait(doomed.Ref);
        AwaitAssert(() => Assert.Equal(new[] { a.Ref, c.Ref }, Inspect(manager, "middle").Waiters), Patience);

        Release(manager, holder, grant);
        var aGrant = a.ExpectMsg<LockAcquired>(Patience).Grant;
        c.ExpectNoMsg(TimeSpan.Zero);
        Release(manager, a, aGrant);
        c.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void Giving_a_key_away_moves_it_to_the_heir_and_the_waiters_keep_waiting()
    {
        var manager = NewManager();
        var giver = CreateTestProbe();
        var grant = Lock(manager, giver, "gift");

        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("gift", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "gift", waiter.Ref);

        var heir = CreateTestProbe();
        giver.Send(manager, new GiveAway(grant, heir.Ref));
        giver.ExpectMsg<GaveAway>(Patience);
        var heirGrant = heir.ExpectMsg<LockTransferred>(Patience).Grant;

        Assert.Equal(heir.Ref, WhereIs(manager, "gift"));
        Assert.Equal(new[] { waiter.Ref }, Inspect(manager, "gift").Waiters);
        waiter.ExpectNoMsg(Brief);

        Release(manager, heir, heirGrant);
        Assert.Equal(waiter.Ref, waiter.ExpectMsg<LockAcquired>(Patience).Grant.Owner);
    }

    [Fact]
    public void A_waiter_that_timed_out_before_an_asynchronous_release_leaves_the_key_free()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        var grant = Lock(manager, holder, "cross");

        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("cross", TimeSpan.FromMilliseconds(100)));
        waiter.ExpectMsg<LockTimedOut>(Patience);

        // Release without a sender (fire and forget), on behalf of the holder.
        manager.Tell(new Release(grant) { Owner = holder.Ref }, ActorRefs.NoSender);

        Assert.Null(WhereIs(manager, "cross"));
        var taker = CreateTestProbe();
        Assert.Equal(taker.Ref, Lock(manager, taker, "cross").Owner);
        waiter.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_time_out_racing_a_release_either_grants_the_key_or_leaves_it_free_never_both()
    {
        var manager = NewManager();
        for (var round = 0; round < 30; round++)
        {
            var key = $"race-{round}";
            var holder = CreateTestProbe();
            var grant = Lock(manager, holder, key);

            // Deadlines from 1 to 5 ms land before, on or after the release, as scheduling goes.
            var waiter = CreateTestProbe();
            waiter.Send(manager, new Await(key, TimeSpan.FromMilliseconds(1 + round % 5)));
            holder.Send(manager, new Release(grant));
            holder.ExpectMsg<Released>(Patience);

            var reply = waiter.ExpectMsg<object>(Patience);
            switch (reply)
            {
                case LockAcquired acquired:
                    Assert.Equal(waiter.Ref, WhereIs(manager, key));
                    Assert.Equal(waiter.Ref, acquired.Grant.Owner);
                    break;
                case LockTimedOut timedOut:
                    Assert.Equal(new object[] { key }, timedOut.Keys);
                    AssertFree(manager, key);
                    break;
                default:
                    Assert.Fail($"Unexpected reply {reply}");
                    break;
            }

            waiter.ExpectNoMsg(TimeSpan.FromMilliseconds(20));
        }
    }
}

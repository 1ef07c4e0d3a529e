using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

public sealed partial class BadInputSpecs
{
    [Fact]
    public void Zero_and_negative_timeouts_make_one_immediate_attempt()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();

        foreach (var timeout in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(-2), TimeSpan.FromSeconds(-30), TimeSpan.MinValue })
        {
            sender.Send(scene.Manager, new Await("held", timeout));
            Assert.Equal(new object[] { "held" }, sender.ExpectMsg<LockTimedOut>(Patience).Keys);
            sender.Send(scene.Manager, new AwaitAll(new object[] { "free", "held" }, timeout));
            Assert.Equal(new object[] { "free", "held" }, sender.ExpectMsg<LockTimedOut>(Patience).Keys);
        }

        AssertUnchanged(scene);

        // On a free key the one attempt succeeds.
        sender.Send(scene.Manager, new Await("free", TimeSpan.Zero));
        sender.ExpectMsg<LockAcquired>(Patience);
        sender.Send(scene.Manager, new AwaitAll(new object[] { "free-1", "free-2" }, TimeSpan.FromMilliseconds(-5)));
        sender.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void A_zero_timeout_on_a_free_key_promised_to_a_waiter_times_out_instead_of_overtaking()
    {
        var manager = NewManager();
        var holder = CreateTestProbe();
        Lock(manager, holder, "busy");
        var multi = CreateTestProbe();
        multi.Send(manager, new AwaitAll(new object[] { "busy", "promised" }));
        AwaitWaiting(manager, "promised", multi.Ref);
        var sender = CreateTestProbe();

        sender.Send(manager, new Await("promised", TimeSpan.Zero));

        sender.ExpectMsg<LockTimedOut>(Patience);
        Assert.Equal(new[] { multi.Ref }, Inspect(manager, "promised").Waiters);
        Assert.Null(WhereIs(manager, "promised"));
    }

    [Fact]
    public void A_null_timeout_uses_the_default_and_InfiniteTimeSpan_or_a_huge_timeout_waits_past_it()
    {
        var scene = SetUp(s => s with { DefaultAwaitTimeout = TimeSpan.FromMilliseconds(150) });
        var byDefault = CreateTestProbe();
        var allByDefault = CreateTestProbe();
        var forever = CreateTestProbe();
        var huge = CreateTestProbe();

        byDefault.Send(scene.Manager, new Await("held"));
        allByDefault.Send(scene.Manager, new AwaitAll(new object[] { "held", "free" }));
        forever.Send(scene.Manager, new Await("held", Timeout.InfiniteTimeSpan));
        huge.Send(scene.Manager, new Await("held", TimeSpan.MaxValue));

        byDefault.ExpectMsg<LockTimedOut>(Patience);
        allByDefault.ExpectMsg<LockTimedOut>(Patience);
        // Well past the default, the others still wait.
        forever.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        huge.ExpectNoMsg(TimeSpan.Zero);
        Assert.Equal(new[] { scene.Waiter.Ref, forever.Ref, huge.Ref }, Inspect(scene.Manager, "held").Waiters);

        Release(scene.Manager, scene.Owner, scene.Grant);
        var waiterGrant = scene.Waiter.ExpectMsg<LockAcquired>(Patience).Grant;
        Release(scene.Manager, scene.Waiter, waiterGrant);
        var foreverGrant = forever.ExpectMsg<LockAcquired>(Patience).Grant;
        Release(scene.Manager, forever, foreverGrant);
        huge.ExpectMsg<LockAcquired>(Patience);
    }
}

using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: a message the manager does not understand is logged as a warning, with its content,
// and ignored: the manager keeps running, the locks stay with their owners and the waiters are
// still served.
public sealed class StrayMessageSpecs : LockSpecBase
{
    public StrayMessageSpecs(ITestOutputHelper output) : base(output)
    {
    }

    private sealed record SomethingElse(string Payload);

    [Fact]
    public void An_unknown_message_is_logged_as_a_warning_with_its_content()
    {
        var manager = NewManager();
        var sender = CreateTestProbe();

        EventFilter.Warning(contains: "stray-payload-42").ExpectOne(Patience,
            () => sender.Send(manager, new SomethingElse("stray-payload-42")));

        sender.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_stray_message_does_not_lose_the_locks()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "kept");

        EventFilter.Warning(contains: "unknown message").Expect(3, Patience, () =>
        {
            manager.Tell("a string", owner.Ref);
            manager.Tell(12345, owner.Ref);
            manager.Tell(new SomethingElse("x"), ActorRefs.NoSender);
        });

        var status = Inspect(manager, "kept");
        Assert.Equal(owner.Ref, status.Owner);
        Assert.Equal(grant.FencingToken, status.FencingToken);
        var other = CreateTestProbe();
        other.Send(manager, new TryLock("kept"));
        Assert.Equal(owner.Ref, other.ExpectMsg<LockBusy>(Patience).Owner);
        Release(manager, owner, grant);
    }

    [Fact]
    public void Waiters_are_still_served_after_a_stray_message()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "served");
        var waiter = CreateTestProbe();
        waiter.Send(manager, new Await("served", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "served", waiter.Ref);

        EventFilter.Warning(contains: "unknown message").ExpectOne(Patience,
            () => manager.Tell(new SomethingElse("noise"), owner.Ref));

        Release(manager, owner, grant);
        waiter.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void A_reply_sent_back_to_the_manager_is_ignored_like_any_stray_message()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "echo");

        EventFilter.Warning(contains: "unknown message").ExpectOne(Patience,
            () => owner.Send(manager, new LockAcquired(grant)));

        Assert.Equal(grant.FencingToken, Inspect(manager, "echo").FencingToken);
        owner.ExpectNoMsg(Brief);
    }
    /// <summary>A message that cannot be printed.</summary>
    private sealed class Unprintable
    {
        public override string ToString() => throw new InvalidOperationException("cannot print me");
    }

    [Fact]
    public void A_stray_message_that_cannot_be_printed_is_ignored_and_logging_goes_on()
    {
        var manager = NewManager();
        var owner = CreateTestProbe();
        var grant = Lock(manager, owner, "print");

        manager.Tell(new Unprintable(), owner.Ref);

        // The logger still works: the next stray message is logged as usual.
        EventFilter.Warning(contains: "after-the-unprintable").ExpectOne(Patience,
            () => manager.Tell(new SomethingElse("after-the-unprintable"), owner.Ref));
        Assert.Equal(grant.FencingToken, Inspect(manager, "print").FencingToken);
        owner.ExpectNoMsg(Brief);
    }
}

using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

public sealed partial class BadInputSpecs
{
    [Fact]
    public void A_request_with_neither_owner_nor_sender_is_ignored_with_a_warning()
    {
        var scene = SetUp();

        EventFilter.Warning(contains: "no owner").Expect(4, Patience, () =>
        {
            scene.Manager.Tell(new TryLock("free"), ActorRefs.NoSender);
            scene.Manager.Tell(new Await("free"), ActorRefs.NoSender);
            scene.Manager.Tell(new AwaitAll(new object[] { "free" }), ActorRefs.NoSender);
            scene.Manager.Tell(new Release(scene.Grant), ActorRefs.NoSender);
        });

        AssertUnchanged(scene);
    }

    [Fact]
    public void A_named_owner_that_is_no_actor_is_refused()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();

        foreach (var noActor in new[] { ActorRefs.Nobody, Sys.DeadLetters })
        {
            sender.Send(scene.Manager, new TryLock("free") { Owner = noActor });
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
            sender.Send(scene.Manager, new Await("held") { Owner = noActor });
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
            sender.Send(scene.Manager, new AwaitAll(new object[] { "free" }) { Owner = noActor });
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
        }

        AssertUnchanged(scene);
    }

    /// <summary>A key that cannot be hashed: every dictionary lookup with it throws.</summary>
    private sealed class PoisonedKey
    {
        public override int GetHashCode() => throw new InvalidOperationException("this key cannot be hashed");

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override string ToString() => "poisoned";
    }

    [Fact]
    public void A_key_whose_GetHashCode_throws_is_refused_and_the_manager_lives_on()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();
        var watcher = CreateTestProbe();
        watcher.Watch(scene.Manager);
        var poisoned = new PoisonedKey();

        var requests = new object[]
        {
            new TryLock(poisoned),
            new Await(poisoned),
            new AwaitAll(new object[] { "free", poisoned }),
            new WhereIs(poisoned),
            new Inspect(poisoned),
            new SendToOwner(poisoned, "hi"),
            new ReleaseKeys(new object[] { poisoned }),
        };
        foreach (var request in requests)
        {
            sender.Send(scene.Manager, request);
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
        }

        watcher.ExpectNoMsg(TimeSpan.Zero);
        AssertUnchanged(scene);
        Release(scene.Manager, scene.Owner, scene.Grant);
        scene.Waiter.ExpectMsg<LockAcquired>(Patience);
    }

    /// <summary>An exception that cannot even describe itself.</summary>
    private sealed class UnprintableException : Exception
    {
        public override string Message => throw new InvalidOperationException("no message either");

        public override string ToString() => throw new InvalidOperationException("no text either");
    }

    /// <summary>A key whose hash fails with an exception that cannot be printed.</summary>
    private sealed class WickedKey
    {
        public override int GetHashCode() => throw new UnprintableException();

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override string ToString() => throw new InvalidOperationException("no name either");
    }

    [Fact]
    public void A_key_that_fails_with_an_unprintable_exception_is_refused_and_the_locks_survive()
    {
        var scene = SetUp();
        var sender = CreateTestProbe();
        var wicked = new WickedKey();

        foreach (var request in new object[] { new TryLock(wicked), new AwaitAll(new object[] { "free", wicked }), new WhereIs(wicked) })
        {
            sender.Send(scene.Manager, request);
            ExpectRefused(sender, RefusalReason.InvalidRequest, null);
        }

        // Had the manager crashed and restarted, the owner would have been told its lock was lost.
        AssertUnchanged(scene);
        Release(scene.Manager, scene.Owner, scene.Grant);
        scene.Waiter.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void A_request_with_neither_owner_nor_sender_and_an_unprintable_key_is_ignored_and_logging_goes_on()
    {
        var scene = SetUp();

        EventFilter.Warning(contains: "no owner").ExpectOne(Patience,
            () => scene.Manager.Tell(new TryLock(new WickedKey()), ActorRefs.NoSender));
        EventFilter.Warning(contains: "no owner").ExpectOne(Patience,
            () => scene.Manager.Tell(new TryLock("free"), ActorRefs.NoSender));

        AssertUnchanged(scene);
    }

    [Fact]
    public void An_unknown_message_is_ignored_and_changes_nothing()
    {
        var scene = SetUp();

        EventFilter.Warning(contains: "unknown message").ExpectOne(Patience,
            () => scene.Manager.Tell(new NotARequest("hello"), scene.Owner.Ref));

        AssertUnchanged(scene);
    }

    /// <summary>A message the manager does not know (serializable, as every message between actors must be).</summary>
    private sealed record NotARequest(string Text);
}

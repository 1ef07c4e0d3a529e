using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: actor references are user code, and one that misbehaves cannot crash the manager.
// A reference whose Tell throws (as sender, owner or heir) is logged and the manager carries on
// with every holder keeping its locks; a reference whose watch throws has its request refused
// and leaves nothing behind in the manager's state.
public sealed class MisbehavingReferenceSpecs : LockSpecBase
{
    public MisbehavingReferenceSpecs(ITestOutputHelper output) : base(output, serializeMessages: false)
    {
    }

    /// <summary>A reference whose Tell throws; optionally its watch (a system message) too.</summary>
    private sealed class ThrowingRef(string name, bool watchThrows = false) : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(new Address("akka", "elsewhere")) / name;

        public override IActorRefProvider Provider => throw new NotSupportedException("no provider");

        protected override void TellInternal(object message, IActorRef sender) =>
            throw new InvalidOperationException($"{name} refuses every message");

        public override void SendSystemMessage(Akka.Dispatch.SysMsg.ISystemMessage message)
        {
            if (watchThrows)
            {
                throw new InvalidOperationException($"{name} cannot be watched");
            }
        }
    }

    /// <summary>A manager in which a well-behaved owner holds "kept", so a crash would show as a LockLost.</summary>
    private (IActorRef Manager, TestProbe Keeper) SetUp()
    {
        var manager = NewManager();
        var keeper = CreateTestProbe();
        Lock(manager, keeper, "kept");
        return (manager, keeper);
    }

    private void AssertManagerIntact(IActorRef manager, TestProbe keeper)
    {
        Assert.Equal(keeper.Ref, WhereIs(manager, "kept"));
        keeper.ExpectNoMsg(Brief);
    }

    [Fact]
    public void A_sender_whose_Tell_throws_is_logged_and_does_not_crash_the_manager()
    {
        var (manager, keeper) = SetUp();
        var sender = new ThrowingRef("deaf-sender");

        // Granted (the grant cannot be delivered), then refused (the refusal cannot be delivered).
        EventFilter.Error(contains: "deaf-sender").Expect(2, () =>
        {
            manager.Tell(new TryLock("taken"), sender);
            manager.Tell(new AwaitAll(new object[] { "x", "x" }), sender);
            Assert.Equal(sender, WhereIs(manager, "taken"));
        });

        AssertManagerIntact(manager, keeper);
    }

    [Fact]
    public void A_request_failing_on_a_bad_key_from_a_sender_whose_Tell_throws_does_not_crash_the_manager()
    {
        var (manager, keeper) = SetUp();
        var sender = new ThrowingRef("deaf-sender");

        manager.Tell(new TryLock(new HashThrowingKey()), sender);

        AssertManagerIntact(manager, keeper);
    }

    [Fact]
    public void An_owner_and_an_heir_whose_Tell_throws_do_not_crash_the_manager_and_keep_their_locks()
    {
        var (manager, keeper) = SetUp();
        var asker = CreateTestProbe();
        var owner = new ThrowingRef("deaf-owner");
        var heir = new ThrowingRef("deaf-heir");

        asker.Send(manager, new TryLock("gift") { Owner = owner });
        var grant = asker.ExpectMsg<LockAcquired>(Patience).Grant;
        asker.Send(manager, new GiveAway(grant, heir) { Owner = owner });
        asker.ExpectMsg<GaveAway>(Patience);

        // One reply per request: the heir's failed notice does not turn into a refusal as well.
        asker.ExpectNoMsg(Brief);
        Assert.Equal(heir, WhereIs(manager, "gift"));
        AssertManagerIntact(manager, keeper);
    }

    private sealed class HashThrowingKey
    {
        public override int GetHashCode() => throw new InvalidOperationException("no hash");

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);
    }

    [Fact]
    public void A_request_for_an_owner_whose_watch_throws_is_refused_and_leaves_the_key_free()
    {
        var (manager, keeper) = SetUp();
        var asker = CreateTestProbe();
        var owner = new ThrowingRef("unwatchable", watchThrows: true);

        asker.Send(manager, new TryLock("k") { Owner = owner });
        Assert.Equal(RefusalReason.InvalidRequest, asker.ExpectMsg<LockRefused>(Patience).Cause);
        asker.Send(manager, new AwaitAll(new object[] { "k", "kept" }) { Owner = owner });
        Assert.Equal(RefusalReason.InvalidRequest, asker.ExpectMsg<LockRefused>(Patience).Cause);

        AssertFree(manager, "k");
        var other = CreateTestProbe();
        Lock(manager, other, "k");
        AssertManagerIntact(manager, keeper);
        Assert.Empty(Inspect(manager, "kept").Waiters);
    }
}

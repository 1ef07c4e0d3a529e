using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using LockActors.Tests.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

/// <summary>
/// Shared set-up for the actor specs of <see cref="LockManager"/>: one fresh actor system per
/// test, managers created on demand, and helpers that query the manager and wait for its answer.
/// The manager handles one message at a time, so a query answered after a request proves that
/// the request was handled.
/// </summary>
public abstract class LockSpecBase : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>How long to wait for a message that must come (generous: the build machine is shared and slow).</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>How long to watch for a message that must not come.</summary>
    protected static readonly TimeSpan Brief = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Every message between actors goes through Akka's serialization, as it would between nodes:
    /// every request and reply of the protocol must survive the round trip, in the package's own
    /// wire format (bound here) and in Akka's default JSON one (<see cref="SpecWire"/>).
    /// </summary>
    private const string SerializingConfig = """
        akka.loglevel = WARNING
        akka.actor.serialize-messages = on
        akka.actor.serialize-creators = off
        akka.suppress-json-serializer-warning = on
        """;

    private static readonly Config Serializing = ConfigurationFactory.ParseString(SerializingConfig);

    private static readonly Config NotSerializing = ConfigurationFactory.ParseString("akka.loglevel = WARNING");

    protected LockSpecBase(ITestOutputHelper output)
        : this(output, serializeMessages: true)
    {
    }

    /// <param name="output">The test's output.</param>
    /// <param name="serializeMessages">
    /// False only for specs whose keys or references Akka's default serializer cannot carry (it reads
    /// enums and Guids typed as <c>object</c> back as numbers and strings; keys and references that
    /// misbehave on purpose would arrive as well-behaved copies): they test the manager, not the wire.
    /// </param>
    protected LockSpecBase(ITestOutputHelper output, bool serializeMessages)
        : base(ConfigFor(serializeMessages), null, output)
    {
        SerializesMessages = serializeMessages;
    }

    /// <summary>Whether every message of this spec goes through serialization.</summary>
    internal bool SerializesMessages { get; }

    private static Config ConfigFor(bool serializeMessages) =>
        serializeMessages ? Serializing.WithFallback(SpecWire.Binding) : NotSerializing;

    /// <summary>Starts a manager with default settings, changed by <paramref name="configure"/>.</summary>
    protected IActorRef NewManager(Func<LockManagerSettings, LockManagerSettings>? configure = null) =>
        Sys.ActorOf(LockManager.Props(configure?.Invoke(LockManagerSettings.Default)));

    /// <summary>The manager's view of <paramref name="key"/>, asked through a probe of its own.</summary>
    protected KeyStatus Inspect(IActorRef manager, object key)
    {
        var asker = CreateTestProbe();
        asker.Send(manager, new Inspect(key));
        return asker.ExpectMsg<KeyStatus>(Patience);
    }

    /// <summary>The current owner of <paramref name="key"/>, or null when it is free.</summary>
    protected IActorRef? WhereIs(IActorRef manager, object key)
    {
        var asker = CreateTestProbe();
        asker.Send(manager, new WhereIs(key));
        var reply = asker.ExpectMsg<KeyOwner>(Patience);
        Assert.Equal(key, reply.Key);
        return reply.Owner;
    }

    /// <summary>Takes a free key for <paramref name="owner"/> with <see cref="TryLock"/> and returns the grant.</summary>
    protected LockGrant Lock(IActorRef manager, TestProbe owner, object key)
    {
        owner.Send(manager, new TryLock(key));
        var grant = owner.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.Equal(owner.Ref, grant.Owner);
        return grant;
    }

    /// <summary>Takes free keys at once for <paramref name="owner"/> with <see cref="AwaitAll"/>.</summary>
    protected LockGrant LockAll(IActorRef manager, TestProbe owner, params object[] keys)
    {
        owner.Send(manager, new AwaitAll(keys));
        var grant = owner.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.Equal(owner.Ref, grant.Owner);
        return grant;
    }

    /// <summary>Releases <paramref name="grant"/> on behalf of <paramref name="owner"/> and waits for the confirmation.</summary>
    protected void Release(IActorRef manager, TestProbe owner, LockGrant grant)
    {
        owner.Send(manager, new Release(grant));
        Assert.Equal(grant.Keys, owner.ExpectMsg<Released>(Patience).Keys);
    }

    /// <summary>Waits until <paramref name="waiter"/> is listed in the queue of <paramref name="key"/>.</summary>
    protected void AwaitWaiting(IActorRef manager, object key, IActorRef waiter) =>
        AwaitAssert(() => Assert.Contains(waiter, Inspect(manager, key).Waiters), Patience);

    /// <summary>Waits until <paramref name="waiter"/> is no longer in the queue of <paramref name="key"/>.</summary>
    protected void AwaitNotWaiting(IActorRef manager, object key, IActorRef waiter) =>
        AwaitAssert(() => Assert.DoesNotContain(waiter, Inspect(manager, key).Waiters), Patience);

    /// <summary>Waits until <paramref name="key"/> is held by <paramref name="owner"/> (null: free).</summary>
    protected void AwaitOwner(IActorRef manager, object key, IActorRef? owner) =>
        AwaitAssert(() => Assert.Equal(owner, WhereIs(manager, key)), Patience);

    /// <summary>Stops <paramref name="actor"/> with <see cref="Kill"/> and waits until it is dead.</summary>
    protected void KillAndWait(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        actor.Tell(Kill.Instance);
        watcher.ExpectTerminated(actor, Patience);
    }

    /// <summary>Stops <paramref name="actor"/> gracefully and waits until it is dead.</summary>
    protected void StopAndWait(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        watcher.ExpectTerminated(actor, Patience);
    }

    /// <summary>Asserts that a key's status is the same as in an earlier snapshot.</summary>
    protected static void AssertSameStatus(KeyStatus before, KeyStatus after)
    {
        Assert.Equal(before.Key, after.Key);
        Assert.Equal(before.Owner, after.Owner);
        Assert.Equal(before.FencingToken, after.FencingToken);
        Assert.Equal(before.Waiters, after.Waiters);
    }

    /// <summary>Asserts that the key is neither held nor waited for.</summary>
    protected void AssertFree(IActorRef manager, object key)
    {
        var status = Inspect(manager, key);
        Assert.Null(status.Owner);
        Assert.Null(status.FencingToken);
        Assert.Empty(status.Waiters);
    }
}

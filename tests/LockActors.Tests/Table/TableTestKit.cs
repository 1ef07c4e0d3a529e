using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

/// <summary>
/// An actor reference that is only a name: the lock table never sends to it (it reports effects
/// instead), so no ActorSystem is needed. Two references are equal when their paths are.
/// </summary>
internal sealed class FakeRef(string name) : MinimalActorRef
{
    private static readonly Address TestAddress = new("akka", "table-test");

    public override ActorPath Path { get; } = new RootActorPath(TestAddress) / name;

    public override IActorRefProvider Provider => throw new NotSupportedException("A table test reference has no provider.");

    public string Name => name;

    public override string ToString() => name;
}

/// <summary>One message the table asked to send, in the order it was asked.</summary>
internal sealed record SentMessage(IActorRef? To, object Message);

/// <summary>Records every effect the table reports, and checks that watches are balanced.</summary>
internal sealed class RecordingEffects : ILockEffects
{
    private readonly List<SentMessage> _sent = new();
    private readonly HashSet<IActorRef> _watched = new();

    /// <summary>Every message sent so far, oldest first (including those sent to nobody).</summary>
    public IReadOnlyList<SentMessage> Sent => _sent;

    /// <summary>Every Watch call, in order.</summary>
    public List<IActorRef> Watches { get; } = new();

    /// <summary>Every Unwatch call, in order.</summary>
    public List<IActorRef> Unwatches { get; } = new();

    /// <summary>Every Forward call: (to, message, original sender).</summary>
    public List<(IActorRef To, object Message, IActorRef? Sender)> Forwards { get; } = new();

    /// <summary>The actors currently watched (watched and not unwatched since).</summary>
    public IReadOnlySet<IActorRef> Watched => _watched;

    /// <summary>The last deadline passed to WakeAt, or null when it was never called.</summary>
    public long? LastWakeAt { get; private set; }

    /// <summary>Watch/unwatch misuse seen so far (a second Watch of a watched actor, an Unwatch of an unwatched one).</summary>
    public List<string> WatchErrors { get; } = new();

    public void Send(IActorRef? to, object message) => _sent.Add(new SentMessage(to, message));

    public void Forward(IActorRef to, object message, IActorRef? originalSender) => Forwards.Add((to, message, originalSender));

    /// <summary>When set and true for an actor, watching it throws, as a misbehaving reference's watch may.</summary>
    public Func<IActorRef, bool>? WatchFails { get; set; }

    public void Watch(IActorRef actor)
    {
        if (WatchFails?.Invoke(actor) == true)
        {
            throw new InvalidOperationException($"{actor} cannot be watched");
        }

        Watches.Add(actor);
        if (!_watched.Add(actor))
        {
            WatchErrors.Add($"{actor} was watched twice");
        }
    }

    public void Unwatch(IActorRef actor)
    {
        Unwatches.Add(actor);
        if (!_watched.Remove(actor))
        {
            WatchErrors.Add($"{actor} was unwatched but not watched");
        }
    }

    public void WakeAt(long deadline) => LastWakeAt = deadline;

    /// <summary>How many times the table asked for idle owners to be swept.</summary>
    public int IdleSweepsStarted { get; private set; }

    public void StartIdleSweep() => IdleSweepsStarted++;

    /// <summary>Every error the table reported, in order.</summary>
    public List<string> Errors { get; } = new();

    public void ReportError(string message) => Errors.Add(message);

    /// <summary>What Akka does when a watched actor terminates: the watch ends by itself.</summary>
    public void ActorDied(IActorRef actor) => _watched.Remove(actor);

    /// <summary>The messages sent to <paramref name="to"/>, oldest first.</summary>
    public IReadOnlyList<object> To(IActorRef to) =>
        _sent.Where(m => to.Equals(m.To)).Select(m => m.Message).ToList();

    /// <summary>The messages of type <typeparamref name="T"/> sent to <paramref name="to"/>, oldest first.</summary>
    public IReadOnlyList<T> To<T>(IActorRef to) => To(to).OfType<T>().ToList();

    /// <summary>The one message sent to <paramref name="to"/>; fails unless there is exactly one and it is a <typeparamref name="T"/>.</summary>
    public T Single<T>(IActorRef to)
    {
        var messages = To(to);
        Assert.True(messages.Count == 1,
            $"expected exactly one message to {to}, got {messages.Count}: {string.Join(", ", messages)}");
        return Assert.IsAssignableFrom<T>(messages[0]);
    }

    /// <summary>The last message sent to <paramref name="to"/>, which must be a <typeparamref name="T"/>.</summary>
    public T Last<T>(IActorRef to)
    {
        var messages = To(to);
        Assert.True(messages.Count > 0, $"expected a message to {to}, got none");
        return Assert.IsAssignableFrom<T>(messages[^1]);
    }

    /// <summary>Forgets the messages recorded so far (watch state is kept).</summary>
    public void ClearMessages()
    {
        _sent.Clear();
        Forwards.Clear();
    }
}

/// <summary>A lock table wired to recorded effects, with helpers that read like the protocol.</summary>
internal sealed class TableFixture
{
    public TableFixture(LockManagerSettings? settings = null)
    {
        // Unless a spec says otherwise, owners are unwatched as soon as they hold and wait for
        // nothing, so specs can check the watch rule exactly; IdleOwnerSpecs keep them watched.
        Settings = (settings ?? new LockManagerSettings { IdleOwnerWatchTime = TimeSpan.Zero });
        Effects = new RecordingEffects();
        Table = new LockTable(Settings, Effects);
    }

    public LockManagerSettings Settings { get; }

    public RecordingEffects Effects { get; }

    public LockTable Table { get; }

    /// <summary>The table's clock, in milliseconds.</summary>
    public long Now { get; set; } = 1_000;

    public static FakeRef Ref(string name) => new(name);

    public static FakeRef[] Refs(params string[] names) => names.Select(n => new FakeRef(n)).ToArray();

    /// <summary>TryLock as <paramref name="owner"/>, replying to the owner; returns the reply.</summary>
    public object TryLock(IActorRef owner, object key) => Reply(owner, () => Table.TryLock(owner, owner, key));

    /// <summary>Await as <paramref name="owner"/>, replying to the owner.</summary>
    public void Await(IActorRef owner, object key, TimeSpan? timeout = null) =>
        Check(() => Table.Await(owner, owner, key, timeout, Now));

    /// <summary>AwaitAll as <paramref name="owner"/>, replying to the owner.</summary>
    public void AwaitAll(IActorRef owner, TimeSpan? timeout, params object[] keys) =>
        Check(() => Table.AwaitAll(owner, owner, keys, timeout, Now));

    /// <summary>Takes a free key with Await and returns the grant.</summary>
    public LockGrant Acquire(IActorRef owner, object key)
    {
        Await(owner, key);
        return Effects.Last<LockAcquired>(owner).Grant;
    }

    /// <summary>Takes free keys with AwaitAll and returns the grant.</summary>
    public LockGrant AcquireAll(IActorRef owner, params object[] keys)
    {
        AwaitAll(owner, null, keys);
        return Effects.Last<LockAcquired>(owner).Grant;
    }

    public object Release(IActorRef owner, LockGrant? grant) => Reply(owner, () => Table.Release(owner, owner, grant));

    public object ReleaseKeys(IActorRef owner, params object[] keys) => Reply(owner, () => Table.ReleaseKeys(owner, owner, keys));

    public object Goodbye(IActorRef owner) => Reply(owner, () => Table.Goodbye(owner, owner));

    public void Terminated(IActorRef actor)
    {
        Effects.ActorDied(actor);
        Check(() => Table.Terminated(actor));
    }

    /// <summary>Moves the clock to <paramref name="now"/> and expires what is due.</summary>
    public void ExpireAt(long now)
    {
        Now = now;
        Check(() => Table.ExpireDue(now));
    }

    public KeyStatus Status(object key) => Table.Status(key);

    public IActorRef? OwnerOf(object key) => Table.Status(key).Owner;

    public IReadOnlyList<IActorRef> WaitersOf(object key) => Table.Status(key).Waiters;

    /// <summary>Runs an operation, checks the table's invariants, and returns the one new message sent to <paramref name="to"/>.</summary>
    public object Reply(IActorRef to, Action operation)
    {
        var before = Effects.To(to).Count;
        Check(operation);
        var after = Effects.To(to);
        Assert.True(after.Count == before + 1,
            $"expected one reply to {to}, got {after.Count - before}: {string.Join(", ", after.Skip(before))}");
        return after[^1];
    }

    /// <summary>Runs an operation and checks the table's invariants and the watch bookkeeping.</summary>
    public void Check(Action operation)
    {
        operation();
        Table.CheckInvariants();
        Assert.Empty(Effects.WatchErrors);
    }
}

using System.Threading.Tasks.Sources;
using Akka.Actor;
using LockActors.Table;

namespace LockActors.Benchmarks;

/// <summary>Completes a task once <see cref="Signal"/> was called a given number of times, from any thread.</summary>
internal sealed class Countdown
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _left;

    public Countdown(int count)
    {
        _left = count;
        if (count <= 0)
        {
            _done.TrySetResult();
        }
    }

    public Task Task => _done.Task;

    public void Signal()
    {
        if (Interlocked.Decrement(ref _left) == 0)
        {
            _done.TrySetResult();
        }
    }
}

/// <summary>Tells a looping actor to run <paramref name="Cycles"/> cycles and then signal <paramref name="Done"/>.</summary>
internal sealed record Go(int Cycles, Countdown Done);

/// <summary>Replies to every message with the same message (the Ask and Tell baselines).</summary>
internal sealed class Echo : UntypedActor
{
    protected override void OnReceive(object message) => Sender.Tell(message, Self);
}

/// <summary>
/// The least a lock service can do per hand-off: one key, a queue of the actors waiting for it,
/// nothing checked, timed or watched, the same two reply objects every time. It answers the
/// protocol <see cref="LockLooper"/> speaks (<see cref="Await"/>, <see cref="Release"/>), in the
/// manager's order (the releaser's answer, then the next holder's grant), so the contended
/// scenario can run against it: each hand-off is the same serial trip to the next holder and back
/// that the manager's is, with nothing else in it.
/// </summary>
internal sealed class HandOffFloor : UntypedActor
{
    private readonly Queue<IActorRef> _waiting = new();
    private readonly LockAcquired _granted = new(new LockGrant(["floor"], false, ActorRefs.Nobody, 1, null));
    private readonly Released _released = new(["floor"]);
    private bool _held;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Await when !_held:
                _held = true;
                Sender.Tell(_granted, Self);
                break;
            case Await:
                _waiting.Enqueue(Sender);
                break;
            case Release:
                Sender.Tell(_released, Self);
                if (_waiting.TryDequeue(out var next))
                {
                    next.Tell(_granted, Self);
                }
                else
                {
                    _held = false;
                }

                break;
        }
    }
}

/// <summary>Ignores everything; stands in for an owner actor that only exists to be watched.</summary>
internal sealed class Sink : UntypedActor
{
    protected override void OnReceive(object message)
    {
    }
}

/// <summary>Bounces a message off a peer: one cycle is one round trip (two messages).</summary>
internal sealed class PingPong(IActorRef peer) : UntypedActor
{
    private static readonly object Ping = new();
    private int _left;
    private Countdown? _done;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Go go:
                _left = go.Cycles;
                _done = go.Done;
                peer.Tell(Ping, Self);
                break;
            default:
                if (--_left == 0)
                {
                    _done!.Signal();
                }
                else
                {
                    peer.Tell(Ping, Self);
                }

                break;
        }
    }
}

/// <summary>
/// A lock user speaking the Tell protocol: request → <see cref="LockAcquired"/> → <see cref="Release"/>
/// → <see cref="Released"/>, again and again. The request comes from a factory so one actor type
/// serves TryLock on its own key, Await on a shared key and AwaitAll of random keys.
/// A busy, timed-out or refused answer is counted and the request is sent again.
/// </summary>
internal sealed class LockLooper(IActorRef manager, Func<object> nextRequest) : UntypedActor
{
    public static long Failures;

    private int _left;
    private Countdown? _done;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case LockAcquired acquired:
                manager.Tell(new Release(acquired.Grant), Self);
                break;
            case Released:
                if (--_left == 0)
                {
                    _done!.Signal();
                }
                else
                {
                    manager.Tell(nextRequest(), Self);
                }

                break;
            case Go go:
                _left = go.Cycles;
                _done = go.Done;
                manager.Tell(nextRequest(), Self);
                break;
            case LockBusy or LockTimedOut or LockRefused or ReleaseFailed:
                Interlocked.Increment(ref Failures);
                manager.Tell(nextRequest(), Self);
                break;
        }
    }
}

/// <summary>On start, takes its keys with TryLock (itself the owner) and signals when it holds them all.</summary>
internal sealed class KeyHolder(IActorRef manager, object[] keys, Countdown held) : UntypedActor
{
    private int _left = keys.Length;

    protected override void PreStart()
    {
        foreach (var key in keys)
        {
            manager.Tell(new TryLock(key), Self);
        }
    }

    protected override void OnReceive(object message)
    {
        if (message is LockAcquired && --_left == 0)
        {
            held.Signal();
        }
    }
}

/// <summary>Counts the replies of one type it receives on behalf of many owners and signals each one.</summary>
internal sealed class ReplyCounter<T>(Func<Countdown?> current) : UntypedActor
{
    public static long Other;

    protected override void OnReceive(object message)
    {
        if (message is T)
        {
            current()?.Signal();
        }
        else
        {
            Interlocked.Increment(ref Other);
        }
    }
}

/// <summary>
/// An owner for lock-table measurements without an actor system: equality by path, as for real
/// references, and each one has its own path and uid.
/// </summary>
internal sealed class FakeOwner(int id) : MinimalActorRef
{
    private static readonly RootActorPath Root = new(new Address("akka", "bench"));

    public override ActorPath Path { get; } = (Root / "user" / $"owner-{id}").WithUid(id + 1);

    public override IActorRefProvider Provider => throw new NotSupportedException("a fake owner has no provider");

    public static FakeOwner[] Many(int count, int firstId = 0)
    {
        var owners = new FakeOwner[count];
        for (var i = 0; i < count; i++)
        {
            owners[i] = new FakeOwner(firstId + i);
        }

        return owners;
    }
}

/// <summary>Effects that go nowhere; keeps the last message so a benchmark can pick up a grant.</summary>
internal sealed class NullEffects : ILockEffects
{
    public object? Last;

    public void Send(IActorRef? to, object message) => Last = message;

    public void Forward(IActorRef to, object message, IActorRef? originalSender)
    {
    }

    public void Watch(IActorRef actor)
    {
    }

    public void Unwatch(IActorRef actor)
    {
    }

    public void WakeAt(long deadline)
    {
    }

    public void StartIdleSweep()
    {
    }
}

/// <summary>
/// The floor of any request/reply client: one long-lived reply reference (a <see cref="MinimalActorRef"/>,
/// created once) whose single reusable completion source is completed by the reply, so a round trip
/// allocates nothing and registers nothing. It serves one caller at a time: the reply it gets is the
/// answer to the one request in flight, which is all the correlation a sequential caller needs.
/// </summary>
internal class ReplySlot : MinimalActorRef, IValueTaskSource<object>
{
    private ManualResetValueTaskSourceCore<object> _core;

    /// <param name="provider">The actor system's provider (the reference gets a temp path from it once).</param>
    /// <param name="asyncContinuations">
    /// True to resume the caller on the thread pool, as every client must (a continuation run inline
    /// would run the caller's code on the replying actor's thread); false only to show what that hop costs.
    /// </param>
    public ReplySlot(IActorRefProvider provider, bool asyncContinuations)
    {
        Provider = provider;
        Path = provider.TempPath();
        _core.RunContinuationsAsynchronously = asyncContinuations;
    }

    public override IActorRefProvider Provider { get; }

    public override ActorPath Path { get; }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with this reference as sender; completes with the reply.</summary>
    public ValueTask<object> RequestAsync(IActorRef target, object message)
    {
        _core.Reset();
        var version = _core.Version;
        target.Tell(message, this);
        return new ValueTask<object>(this, version);
    }

    protected override void TellInternal(object message, IActorRef sender) => _core.SetResult(message);

    public object GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

using Akka.Actor;

namespace LockActors.Client;

/// <summary>
/// The lightweight actor reference behind a <see cref="LockHandle"/>: the address the manager
/// replies to and, when the client has no explicit owner, the owner of the lock itself.
/// </summary>
/// <remarks>
/// <para>It is not an actor: the manager's replies are handled on the sending thread, as an
/// <c>Ask</c> does, but one reference serves the whole life of a lock (acquire, then release or
/// give-away) instead of one temporary actor per message.</para>
/// <para>It serves one lock at a time. When a lock ends cleanly (the acquire was answered without a
/// grant, or the manager confirmed the release or give-away) the manager holds nothing and expects
/// nothing of it, so the client reuses it for a later lock (<see cref="Retire"/>): it stays watched
/// by the manager as an idle owner, and the next lock costs neither a new reference nor a new watch.
/// Any other end (a time-out, a cancellation, a lost lock, a lock given to it) stops it instead.</para>
/// <para>The reply completes the caller's task directly: the acquire's reply builds the handle, a
/// release's ends it. The tasks run their continuations asynchronously, so the caller never resumes
/// on the manager's thread, and no async method stands between the reply and the caller (each such
/// layer would add a state machine and a continuation to every lock).</para>
/// <para>It supports DeathWatch, so the manager can watch it like any owner; <see cref="Stop"/>
/// tells every watcher it terminated, which frees whatever it still holds.</para>
/// <para>A cancellation or time-out can cross a grant in flight: once abandoned, the reference
/// hands any grant that still arrives straight back to the manager, so nothing is leaked.</para>
/// <para>Every state change is one atomic exchange, no <c>lock</c>: a monitor taken on a fresh
/// object allocates a sync block, and a busy client makes many of these references.</para>
/// </remarks>
internal sealed partial class LockOwnerRef : TempActorRef, IDisposable
{
    // The request's phase, in the low bits of _state: a completion moves it out of InFlight or
    // Cancelling exactly once. The bits above count requests, so a time-out aimed at one request
    // can never complete the next.
    private const int Idle = 0;       // no request, or its answer is in
    private const int InFlight = 1;   // sent, the caller waits for the answer
    private const int Cancelling = 2; // the caller cancelled; waiting for the final answer, which completes the task
    private const int Orphaned = 3;   // timed out (task completed); the late answer is only cleaned up
    private const int PhaseMask = 3;
    private const int OneRequest = 4;

    /// <summary>Never a request's number (numbers are multiples of <see cref="OneRequest"/>).</summary>
    internal const int NoRequest = -1;

    private readonly LockClient _client;
    private readonly IActorRef? _namedOwner;
    private int _state;

    // The request in flight: written before _state announces it, read by whoever completes it.
    private object? _request;
    private RequestKind _kind;
    private object? _done; // TaskCompletionSource<LockHandle?> for acquires, TaskCompletionSource for the rest
    private CancellationToken _pendingToken;

    // The lock this reference serves, from its grant until it ends; read by the client's goodbye.
    private LockHandle? _handle;

    // True from the moment the client hands this reference to a new lock until the lock ends cleanly.
    private bool _rented;

    // Set (on the manager's thread) when something arrived that makes reuse unsafe: a lost lock or a
    // lock given to this owner. The lock's end then stops the reference instead of reusing it.
    private bool _tainted;

    // Answers owed to timed-out requests sent before the request in flight: the next that many
    // answers are theirs (see Send).
    private int _lateAnswers;

    public LockOwnerRef(LockClient client, IActorRefProvider provider)
        : base(provider)
    {
        _client = client;
        _namedOwner = client.Owner;
    }

    /// <summary>The next reference on the client's list of references it times (see <see cref="RequestTimeouts"/>).</summary>
    internal LockOwnerRef? TimeoutNext;

    /// <summary>The request the client's clock first saw in flight (see <see cref="RequestTimeouts"/>); the clock's own.</summary>
    internal int TimeoutSeenRequest = NoRequest;

    /// <summary>How much longer than the request timeout the clock gives the request (a wait's own timeout).</summary>
    internal long TimeoutAllowanceMs;

    /// <summary>When the clock first saw <see cref="TimeoutSeenRequest"/> (<see cref="Environment.TickCount64"/>).</summary>
    internal long TimeoutSeenAt;

    /// <summary>True while on the client's list of references it times.</summary>
    internal bool TimeoutListed;

    /// <summary>The number of the last request the client's clock was started for (see <see cref="TimeOut"/>); <see cref="NoRequest"/> before the first.</summary>
    internal int TimeoutRequest = NoRequest;

    /// <summary>True while a request is in flight (sent, or cancelled and waiting for its final answer), with its number.</summary>
    internal bool AwaitsAnswer(out int number)
    {
        var state = Volatile.Read(ref _state);
        number = state & ~PhaseMask;
        return (state & PhaseMask) is InFlight or Cancelling;
    }

    /// <summary>
    /// Sends a lock request with this reference as sender. The task completes with the handle,
    /// with null (a busy <see cref="RequestKind.TryLock"/>), or with the exception the reply means.
    /// </summary>
    /// <param name="request">TryLock, Await or AwaitAll.</param>
    /// <param name="kind"><see cref="RequestKind.TryLock"/>, <see cref="RequestKind.TryAwait"/> or <see cref="RequestKind.Await"/>.</param>
    /// <param name="ct">Abandons the request: a wait is withdrawn with <see cref="CancelAwait"/> and any crossing grant released.</param>
    public Task<LockHandle?> AcquireAsync(object request, RequestKind kind, CancellationToken ct)
    {
        var done = new TaskCompletionSource<LockHandle?>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The manager times waits out itself; our clock is only the backstop of a wait with a known
        // end (its timeout plus the request timeout). A wait without one ends with the manager.
        var wait = kind is RequestKind.Await or RequestKind.TryAwait ? WaitTimeout(request) : TimeSpan.Zero;
        var number = Send(request, kind, done, timed: wait != Timeout.InfiniteTimeSpan, ct, wait);
        return ct.CanBeCanceled ? WithCancellationAsync(done.Task, number, ct) : done.Task;
    }

    /// <summary>Sends a release or give-away of this reference's handle; the handle decides what the reply means.</summary>
    /// <param name="request">Release or GiveAway.</param>
    /// <param name="kind"><see cref="RequestKind.Release"/>, <see cref="RequestKind.Dispose"/> or <see cref="RequestKind.GiveAway"/>.</param>
    public Task HandleRequestAsync(object request, RequestKind kind)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Send(request, kind, done, timed: true, CancellationToken.None);
        return done.Task;
    }

    /// <returns>The request's number, which binds a cancellation or time-out to this request only.</returns>
    private int Send(object request, RequestKind kind, object done, bool timed, CancellationToken ct, TimeSpan wait = default)
    {
        // Requests are sequential: the previous one is over (Idle) or timed out (Orphaned).
        _request = request;
        _kind = kind;
        _done = done;
        _pendingToken = ct;
        int number;
        while (true)
        {
            // A timed-out request's answer is still owed (a handle's retry after a time-out): the
            // manager answers in order, so the next answer is that request's, not this one's.
            var state = Volatile.Read(ref _state);
            var orphaned = (state & PhaseMask) == Orphaned;
            if (orphaned)
            {
                Interlocked.Increment(ref _lateAnswers);
            }

            number = (state & ~PhaseMask) + OneRequest;
            if (Interlocked.CompareExchange(ref _state, number | InFlight, state) == state)
            {
                break;
            }

            // The late answer came in meanwhile.
            if (orphaned)
            {
                Interlocked.Decrement(ref _lateAnswers);
            }
        }

        if (_client.ManagerGoneReason is { } gone)
        {
            // The manager ended before this request was announced, so the client's sweep of its
            // requests in flight may have missed it (see LockClient.OnManagerGone): nothing to send.
            FailWithoutManager(number, gone);
            return number;
        }

        if (timed)
        {
            TimeoutAllowanceMs = wait > TimeSpan.Zero ? (long)Math.Ceiling(wait.TotalMilliseconds) : 0;
            _client.Timeouts.Add(this, number);
        }

        _client.Manager.Tell(request, this);
        return number;
    }

    /// <summary>
    /// Only for a cancellable token: the registration ends (waiting for a running callback) before
    /// the caller resumes. The reference may already serve another call by then (the answer
    /// returned it to the client), so the callback names the request it abandons.
    /// </summary>
    private async Task<LockHandle?> WithCancellationAsync(Task<LockHandle?> reply, int number, CancellationToken ct)
    {
        await using (ct.UnsafeRegister(static s => ((CancelTarget)s!).Abandon(), new CancelTarget(this, number)))
        {
            return await reply.ConfigureAwait(false);
        }
    }

    /// <summary>The request a cancellation registration abandons.</summary>
    private sealed class CancelTarget(LockOwnerRef owner, int number)
    {
        public void Abandon() => owner.Abandon(number);
    }

    /// <summary>The keys a request names, for the exception that ends it.</summary>
    private static IReadOnlyList<object> KeysOf(object request) => request switch
    {
        TryLock t => [t.Key],
        Await w => [w.Key],
        AwaitAll all => all.Keys,
        Release r => r.Grant.Keys,
        GiveAway g => g.Grant.Keys,
        _ => [],
    };

    /// <summary>
    /// The caller cancelled request <paramref name="number"/>. If it is still in flight, a wait is
    /// withdrawn and the task completes (cancelled) only once the manager's final answer is in, so a
    /// crossing grant is released first; any other request of this reference is left alone.
    /// </summary>
    private void Abandon(int number)
    {
        // Read before the phase changes: the final answer may retire this reference right after.
        var request = _request;
        var state = Volatile.Read(ref _state);
        if (state != (number | InFlight) || Interlocked.CompareExchange(ref _state, number | Cancelling, state) != state)
        {
            return;
        }

        Withdraw(request!);
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        // The answers of a lock's life first, then what else may reach an owner.
        switch (message)
        {
            case LockAcquired or LockActors.Released or LockBusy:
                break;
            case LockLost:
                Volatile.Write(ref _tainted, true);
                _handle?.MarkLost();
                return;
            case LockTransferred transferred:
                OnTransferred(transferred);
                return;
            case not ILockReply:
                // Not the manager's answer (a message sent to this owner, directly or through
                // SendToOwner): nothing reads it, and it must not pass for the reply awaited.
                return;
        }

        if (Volatile.Read(ref _lateAnswers) > 0)
        {
            // The answer of a request that timed out before the one in flight was sent.
            Interlocked.Decrement(ref _lateAnswers);
            Volatile.Read(ref _handle)?.OnLateAnswer(message);
            return;
        }

        while (true)
        {
            var state = Volatile.Read(ref _state);
            var phase = state & PhaseMask;
            var idle = (state & ~PhaseMask) | Idle;
            switch (phase)
            {
                case InFlight:
                    if (Interlocked.CompareExchange(ref _state, idle, state) != state)
                    {
                        continue;
                    }

                    Complete(message);
                    return;
                case Cancelling or Orphaned when message is LockAcquired acquired:
                    // Crossed the cancellation or time-out in flight: give it straight back.
                    _client.Manager.Tell(new Release(acquired.Grant) { Owner = _namedOwner }, this);
                    return;
                case Orphaned when Volatile.Read(ref _handle) is { } handle:
                    // A handle request that timed out while the handle stayed held (explicit owner):
                    // the late answer tells the handle what became of its lock.
                    if (Interlocked.CompareExchange(ref _state, idle, state) != state)
                    {
                        continue;
                    }

                    handle.OnLateAnswer(message);
                    return;
                case Cancelling or Orphaned:
                    // The final answer of an abandoned request.
                    if (Interlocked.CompareExchange(ref _state, idle, state) != state)
                    {
                        continue;
                    }

                    var cancelled = phase == Cancelling ? (TaskCompletionSource<LockHandle?>)_done! : null;
                    var token = _pendingToken;
                    Retire(clean: false);
                    cancelled?.TrySetCanceled(token);
                    return;
                default:
                    // No request in flight: nothing waits for this.
                    return;
            }
        }
    }

    /// <summary>Completes the request in flight with the manager's reply (on the manager's thread; continuations run elsewhere).</summary>
    private void Complete(object reply)
    {
        if (_done is not TaskCompletionSource<LockHandle?> acquire)
        {
            _handle!.OnReply(_kind, _request!, reply, (TaskCompletionSource)_done!);
            return;
        }

        switch (reply)
        {
            case LockAcquired acquired:
                var handle = new LockHandle(acquired.Grant, this);
                Volatile.Write(ref _handle, handle);
                acquire.TrySetResult(handle);
                return;
            case LockBusy:
            case LockTimedOut when _kind == RequestKind.TryAwait:
                Retire(clean: true);
                acquire.TrySetResult(null);
                return;
            default:
                // Timed out, refused or withdrawn: the manager keeps nothing of this request.
                var keys = KeysOf(_request!);
                Retire(clean: reply is LockTimedOut or LockRefused or AwaitCancelled);
                acquire.TrySetException(_client.Failure(reply, keys));
                return;
        }
    }

    /// <summary>A lock given to this owner by another (someone learned this reference from <c>WhereIs</c> or a grant).</summary>
    private void OnTransferred(LockTransferred transferred)
    {
        if (Volatile.Read(ref _rented))
        {
            // It stays with this owner until the current lock ends, which then stops the
            // reference, so the manager frees it.
            Volatile.Write(ref _tainted, true);
            return;
        }

        // Idle, waiting for reuse: nothing would ever end it, so give it straight back. No sender:
        // the answer must not reach a later request of this reference.
        _client.Manager.Tell(new Release(transferred.Grant) { Owner = this }, ActorRefs.NoSender);
    }

    /// <summary>The client's explicit owner, named in every request; null when this reference owns its locks itself.</summary>
    internal IActorRef? NamedOwner => _namedOwner;

    /// <summary>The lock this reference serves right now, or null between locks.</summary>
    internal LockHandle? Handle => Volatile.Read(ref _handle);

    /// <summary>Taken by the client for a new lock: false if this reference must not be used again.</summary>
    internal bool TryRent()
    {
        if (Volatile.Read(ref _tainted) || Volatile.Read(ref _stopped) != 0)
        {
            return false;
        }

        Volatile.Write(ref _rented, true);
        return true;
    }

    /// <summary>
    /// The current lock ended. After a clean end (see the remarks on the class) the reference goes
    /// back to the client for a later lock; otherwise it is stopped, so the manager frees anything
    /// it may still hold. Called on the manager's thread, except after a time-out or a lost lock.
    /// </summary>
    internal void Retire(bool clean)
    {
        Volatile.Write(ref _handle, null);
        _request = null;
        _done = null;
        _pendingToken = default;
        if (!clean || Volatile.Read(ref _tainted))
        {
            Stop();
            return;
        }

        Volatile.Write(ref _rented, false);
        _client.ReturnOwner(this);
    }

    /// <summary>The client's pool had no room for this idle reference: stopped, so the manager stops watching it now.</summary>
    public void Dispose() => Stop();
}

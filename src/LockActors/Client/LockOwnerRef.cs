using System.Threading.Tasks.Sources;
using Akka.Actor;
using Akka.Dispatch.SysMsg;

namespace LockActors.Client;

/// <summary>
/// The lightweight actor reference behind one <see cref="LockHandle"/>: the address the manager
/// replies to and, when the client has no explicit owner, the owner of the lock itself.
/// </summary>
/// <remarks>
/// <para>It is not an actor: the manager's replies are handled on the sending thread and complete a
/// task, as an <c>Ask</c> does, but one reference serves the whole life of a lock (acquire, then
/// release or give-away) instead of one temporary actor per message. Its requests are sequential,
/// so one reusable completion source serves them all: a request allocates no task, no timer and no
/// closure. The caller always resumes on the thread pool, never on the manager's thread.</para>
/// <para>It supports DeathWatch, so the manager can watch it like any owner; <see cref="Stop"/>
/// tells every watcher it terminated, which frees whatever it still holds.</para>
/// <para>A cancellation or time-out can cross a grant in flight: once abandoned, the reference
/// hands any grant that still arrives straight back to the manager, so nothing is leaked.</para>
/// </remarks>
internal sealed class LockOwnerRef : MinimalActorRef, IValueTaskSource<object>
{
    private readonly object _gate = new();
    private readonly LockClient _client;
    private readonly IActorRef? _namedOwner;
    private ManualResetValueTaskSourceCore<object> _reply = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private CancellationToken _pendingToken;
    private object? _request;
    private bool _inFlight;
    private bool _abandoned;
    private bool _stopped;
    private bool _lost;
    private CancellationTokenSource? _lostSource;

    // Nearly always one watcher (the manager); a list only if others watch too.
    private IInternalActorRef? _watcher;
    private List<IInternalActorRef>? _moreWatchers;

    public LockOwnerRef(LockClient client, IActorRefProvider provider)
    {
        _client = client;
        _namedOwner = client.Owner;
        Provider = provider;
        Path = provider.TempPath();
    }

    public override IActorRefProvider Provider { get; }

    public override ActorPath Path { get; }

    /// <summary>The owner named in requests: the client's explicit owner, else this reference (requests then carry no owner and this is the sender).</summary>
    public IActorRef Owner => _namedOwner ?? this;

    /// <summary>
    /// Cancelled when the manager reports the lock lost (<see cref="LockLost"/>) or a release finds
    /// it gone. The token source is only created if someone asks for the token before the loss.
    /// </summary>
    public CancellationToken LostToken
    {
        get
        {
            lock (_gate)
            {
                if (_lostSource is null)
                {
                    if (_lost)
                    {
                        return new CancellationToken(canceled: true);
                    }

                    _lostSource = new CancellationTokenSource();
                }

                return _lostSource.Token;
            }
        }
    }

    /// <summary>Links of the client's list of requests waiting for an answer, in deadline order (see <see cref="RequestTimeouts"/>).</summary>
    internal LockOwnerRef? TimeoutPrev, TimeoutNext;

    /// <summary>When the request in flight times out (<see cref="Environment.TickCount64"/>), if it is in the client's list.</summary>
    internal long TimeoutDeadline;

    /// <summary>True while linked into the client's list of requests waiting for an answer.</summary>
    internal bool TimeoutLinked;

    /// <summary>Sends <paramref name="request"/> with this reference as sender; completes with the manager's reply.</summary>
    /// <param name="request">The request.</param>
    /// <param name="timed">True to fail with a <see cref="TimeoutException"/> after the client's <see cref="LockClient.RequestTimeout"/>; false to wait as long as the manager takes (it times waits out itself).</param>
    /// <param name="ct">Abandons the request: a wait is withdrawn with <see cref="CancelAwait"/> and any crossing grant released.</param>
    /// <returns>The reply, to be awaited once, before the next request.</returns>
    public ValueTask<object> RequestAsync(object request, bool timed, CancellationToken ct)
    {
        short version;
        lock (_gate)
        {
            _reply.Reset();
            version = _reply.Version;
            _request = request;
            _pendingToken = ct;
            _inFlight = true;
            _abandoned = false;
        }

        if (timed)
        {
            _client.Timeouts.Add(this);
        }

        _client.Manager.Tell(request, this);

        if (ct.CanBeCanceled)
        {
            // Disposed in GetResult, before the next request can start.
            _cancellation = ct.UnsafeRegister(static s => ((LockOwnerRef)s!).Abandon(), this);
        }

        return new ValueTask<object>(this, version);
    }

    /// <summary>Called by the client's timeout list when the request in flight got no answer in time.</summary>
    internal void TimeOut()
    {
        object request;
        lock (_gate)
        {
            if (!_inFlight)
            {
                return;
            }

            // Also when already cancelled: a silent manager never sends the final answer.
            // The late answer is only cleaned up (a grant handed back).
            _abandoned = true;
            _inFlight = false;
            request = _request!;
            _reply.SetException(new TimeoutException(
                $"The lock manager {_client.Manager.Path} did not answer {request.GetType().Name} within {_client.RequestTimeout}."));
        }
    }

    /// <summary>
    /// The caller cancelled the current request. A wait is withdrawn; the task completes (cancelled)
    /// only once the manager's final answer is in, so a crossing grant is released first.
    /// </summary>
    private void Abandon()
    {
        IReadOnlyList<object>? waitKeys;
        lock (_gate)
        {
            if (!_inFlight || _abandoned)
            {
                return;
            }

            _abandoned = true;
            waitKeys = _request switch
            {
                Await w => [w.Key],
                AwaitAll all => all.Keys,
                _ => null,
            };
        }

        if (waitKeys is not null)
        {
            _client.Manager.Tell(new CancelAwait(waitKeys) { Owner = _namedOwner }, this);
        }
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        switch (message)
        {
            case LockLost:
                MarkLost();
                return;
            case LockTransferred:
                // A lock given to a client-made owner stays with it until the handle ends.
                return;
        }

        // Before the caller can resume and send its next request, which may link this again.
        _client.Timeouts.Remove(this);
        var stop = false;
        lock (_gate)
        {
            if (_abandoned)
            {
                if (message is LockAcquired acquired)
                {
                    // Crossed the cancellation in flight: give it straight back.
                    _client.Manager.Tell(new Release(acquired.Grant) { Owner = _namedOwner }, this);
                    return;
                }

                _abandoned = false;
                stop = _namedOwner is null;
                if (_inFlight)
                {
                    _inFlight = false;
                    _reply.SetException(new OperationCanceledException(_pendingToken));
                }
            }
            else if (_inFlight)
            {
                _inFlight = false;
                _reply.SetResult(message);
            }
        }

        if (stop)
        {
            Stop();
        }
    }

    /// <summary>The lock is gone without a release: cancel <see cref="LostToken"/>.</summary>
    public void MarkLost()
    {
        CancellationTokenSource? source;
        lock (_gate)
        {
            if (_lost)
            {
                return;
            }

            _lost = true;
            source = _lostSource;
        }

        // Asynchronously: the token's callbacks are user code and must not run on the manager's thread.
        _ = source?.CancelAsync();
    }

    public object GetResult(short token)
    {
        // The request is over: a cancellation of its token must not touch the next request.
        _cancellation.Dispose();
        _cancellation = default;
        return _reply.GetResult(token);
    }

    public ValueTaskSourceStatus GetStatus(short token) => _reply.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _reply.OnCompleted(continuation, state, token, flags);

    public override void SendSystemMessage(ISystemMessage message)
    {
        switch (message)
        {
            case Watch watch when Equals(watch.Watchee, this):
                lock (_gate)
                {
                    if (!_stopped)
                    {
                        if (_watcher is null)
                        {
                            _watcher = watch.Watcher;
                        }
                        else
                        {
                            (_moreWatchers ??= []).Add(watch.Watcher);
                        }

                        return;
                    }
                }

                watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true, addressTerminated: false));
                return;
            case Unwatch unwatch when Equals(unwatch.Watchee, this):
                lock (_gate)
                {
                    if (Equals(_watcher, unwatch.Watcher))
                    {
                        _watcher = null;
                    }
                    else
                    {
                        _moreWatchers?.Remove(unwatch.Watcher);
                    }
                }

                return;
        }
    }

    /// <summary>Ends this owner: every watcher learns it terminated, so the manager frees anything it still holds.</summary>
    public override void Stop()
    {
        IInternalActorRef? watcher;
        List<IInternalActorRef>? more;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            watcher = _watcher;
            more = _moreWatchers;
            _watcher = null;
            _moreWatchers = null;
        }

        watcher?.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true, addressTerminated: false));
        if (more is null)
        {
            return;
        }

        foreach (var w in more)
        {
            w.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true, addressTerminated: false));
        }
    }
}

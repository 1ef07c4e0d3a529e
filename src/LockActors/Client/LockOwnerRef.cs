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
/// release or give-away) instead of one temporary actor per message. It supports DeathWatch, so
/// the manager can watch it like any owner; <see cref="Stop"/> tells every watcher it terminated,
/// which frees whatever it still holds.</para>
/// <para>A cancellation or time-out can cross a grant in flight: once abandoned, the reference
/// hands any grant that still arrives straight back to the manager, so nothing is leaked.</para>
/// </remarks>
internal sealed class LockOwnerRef : MinimalActorRef
{
    private readonly object _gate = new();
    private readonly IActorRef _manager;
    private readonly IScheduler _scheduler;
    private readonly IActorRef? _namedOwner;
    private List<IInternalActorRef>? _watchers;
    private TaskCompletionSource<object>? _pending;
    private CancellationToken _pendingToken;
    private bool _abandoned;
    private bool _stopped;

    public LockOwnerRef(IActorRefProvider provider, IScheduler scheduler, IActorRef manager, IActorRef? namedOwner)
    {
        Provider = provider;
        Path = provider.TempPath();
        _scheduler = scheduler;
        _manager = manager;
        _namedOwner = namedOwner;
    }

    public override IActorRefProvider Provider { get; }

    public override ActorPath Path { get; }

    /// <summary>Cancelled when the manager reports the lock lost (<see cref="LockLost"/>) or a release finds it gone.</summary>
    public CancellationTokenSource Lost { get; } = new();

    /// <summary>The owner named in requests: the client's explicit owner, else this reference (requests then carry no owner and this is the sender).</summary>
    public IActorRef Owner => _namedOwner ?? this;

    /// <summary>Sends <paramref name="request"/> with this reference as sender and returns the manager's reply.</summary>
    /// <param name="request">The request.</param>
    /// <param name="timeout">How long to wait for the reply (a <see cref="TimeoutException"/> after it); null to wait as long as the manager takes.</param>
    /// <param name="ct">Abandons the request: a wait is withdrawn with <see cref="CancelAwait"/> and any crossing grant released.</param>
    /// <param name="cancelKeys">The keys to withdraw the wait for on cancellation; null when the request does not wait.</param>
    public async Task<object> RequestAsync(object request, TimeSpan? timeout, CancellationToken ct, IReadOnlyList<object>? cancelKeys)
    {
        var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pending = reply;
            _pendingToken = ct;
            _abandoned = false;
        }

        _manager.Tell(request, this);

        // Akka's scheduler rather than a Task timer: it is what Ask uses, and far cheaper per request.
        var timer = timeout is { } t
            ? _scheduler.Advanced.ScheduleOnceCancelable(t, () => TimeOut(reply, request, t))
            : null;
        var registration = ct.CanBeCanceled
            ? ct.Register(static s => ((State)s!).Ref.Abandon(((State)s).Keys), new State(this, cancelKeys))
            : default;
        try
        {
            return await reply.Task.ConfigureAwait(false);
        }
        finally
        {
            timer?.Cancel();
            await registration.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void TimeOut(TaskCompletionSource<object> reply, object request, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_pending, reply) || reply.Task.IsCompleted)
            {
                return;
            }

            // The late answer is only cleaned up (a grant handed back).
            _abandoned = true;
        }

        reply.TrySetException(new TimeoutException(
            $"The lock manager {_manager.Path} did not answer {request.GetType().Name} within {timeout}."));
    }

    /// <summary>
    /// The caller cancelled the current request. A wait is withdrawn; the task completes (cancelled)
    /// only once the manager's final answer is in, so a crossing grant is released first.
    /// </summary>
    private void Abandon(IReadOnlyList<object>? waitKeys)
    {
        lock (_gate)
        {
            if (_pending is null || _pending.Task.IsCompleted)
            {
                return;
            }

            _abandoned = true;
        }

        if (waitKeys is not null)
        {
            _manager.Tell(new CancelAwait(waitKeys) { Owner = _namedOwner }, this);
        }
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        switch (message)
        {
            case LockLost:
                _ = Lost.CancelAsync();
                return;
            case LockTransferred:
                // A lock given to a client-made owner stays with it until the handle ends.
                return;
        }

        TaskCompletionSource<object>? finished = null;
        var stop = false;
        lock (_gate)
        {
            if (_abandoned)
            {
                if (message is LockAcquired acquired)
                {
                    // Crossed the cancellation in flight: give it straight back.
                    _manager.Tell(new Release(acquired.Grant) { Owner = _namedOwner }, this);
                    return;
                }

                _abandoned = false;
                _pending?.TrySetCanceled(_pendingToken);
                _pending = null;
                stop = _namedOwner is null;
            }
            else
            {
                finished = _pending;
                _pending = null;
            }
        }

        finished?.TrySetResult(message);
        if (stop)
        {
            Stop();
        }
    }

    public override void SendSystemMessage(ISystemMessage message)
    {
        switch (message)
        {
            case Watch watch when Equals(watch.Watchee, this):
                lock (_gate)
                {
                    if (!_stopped)
                    {
                        (_watchers ??= []).Add(watch.Watcher);
                        return;
                    }
                }

                watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true, addressTerminated: false));
                return;
            case Unwatch unwatch when Equals(unwatch.Watchee, this):
                lock (_gate)
                {
                    _watchers?.Remove(unwatch.Watcher);
                }

                return;
        }
    }

    /// <summary>Ends this owner: every watcher learns it terminated, so the manager frees anything it still holds.</summary>
    public override void Stop()
    {
        List<IInternalActorRef>? watchers;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            watchers = _watchers;
            _watchers = null;
        }

        if (watchers is null)
        {
            return;
        }

        foreach (var watcher in watchers)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true, addressTerminated: false));
        }
    }

    private sealed record State(LockOwnerRef Ref, IReadOnlyList<object>? Keys);
}

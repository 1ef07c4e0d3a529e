using Akka.Actor;

namespace LockActors.Client;

/// <summary>
/// Carries one <see cref="LockClient"/> request to the manager and turns the reply into a task.
/// When the client has no explicit owner, this actor is also the owner of the lock it obtains
/// and lives as long as the <see cref="LockHandle"/>: stopping it releases whatever it still
/// holds, because the manager watches it.
/// </summary>
/// <remarks>
/// A cancellation or time-out can cross a grant in flight. The actor therefore stays until the
/// manager's final answer arrives: a grant that turns up after the caller gave up is released
/// at once, never leaked.
/// </remarks>
internal sealed class LockOperationActor : UntypedActor, IWithTimers
{
    private readonly IActorRef _manager;
    private readonly IOwnedLockRequest _request;
    private readonly IReadOnlyList<object> _keys;
    private readonly bool _isWait;
    private readonly TimeSpan? _replyTimeout;
    private readonly TaskCompletionSource<object> _result;
    private readonly CancellationTokenSource _lost;
    private readonly CancellationToken _callerToken;
    private bool _abandoned;
    private bool _holding;

    public LockOperationActor(
        IActorRef manager,
        IOwnedLockRequest request,
        IReadOnlyList<object> keys,
        bool isWait,
        TimeSpan? replyTimeout,
        TaskCompletionSource<object> result,
        CancellationTokenSource lost,
        CancellationToken callerToken)
    {
        _manager = manager;
        _request = request;
        _keys = keys;
        _isWait = isWait;
        _replyTimeout = replyTimeout;
        _result = result;
        _lost = lost;
        _callerToken = callerToken;
    }

    /// <summary>Sent by the client when the caller's token is cancelled.</summary>
    public sealed class CancelRequested
    {
        public static readonly CancelRequested Instance = new();
    }

    /// <summary>Sent by the handle once the lock is released or given away.</summary>
    public sealed class Done
    {
        public static readonly Done Instance = new();
    }

    private sealed class ReplyTimedOut
    {
        public static readonly ReplyTimedOut Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private IActorRef? NamedOwner => _request.Owner;

    protected override void PreStart()
    {
        Context.Watch(_manager);
        _manager.Tell(_request, Self);
        if (_replyTimeout is { } timeout)
        {
            Timers.StartSingleTimer(ReplyTimedOut.Instance, ReplyTimedOut.Instance, timeout);
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case LockAcquired acquired when _abandoned:
                // The caller gave up while the grant was on its way: give it straight back.
                _manager.Tell(new Release(acquired.Grant) { Owner = NamedOwner }, Self);
                break;

            case LockAcquired acquired:
                _result.TrySetResult(acquired);
                _holding = NamedOwner is null;
                if (!_holding)
                {
                    Context.Stop(Self);
                }

                break;

            case LockLost:
                _ = _lost.CancelAsync();
                break;

            case Done:
                Context.Stop(Self);
                break;

            case CancelRequested when !_result.Task.IsCompleted:
                _abandoned = true;
                if (_isWait)
                {
                    _manager.Tell(new CancelAwait(_keys) { Owner = NamedOwner }, Self);
                }

                break;

            case ReplyTimedOut when !_result.Task.IsCompleted:
                _abandoned = true;
                _result.TrySetException(new TimeoutException(
                    $"The lock manager {_manager.Path} did not answer {_request.GetType().Name} for {KeyText.OfAll(_keys)} in time."));
                break;

            case Terminated terminated when terminated.ActorRef.Equals(_manager):
                _result.TrySetException(new LockRefusedException(_keys[0], RefusalReason.ManagerRestarted,
                    $"The lock manager {_manager.Path} stopped before {KeyText.OfAll(_keys)} could be granted."));
                if (_holding)
                {
                    _ = _lost.CancelAsync();
                }

                Context.Stop(Self);
                break;

            case Released or ReleaseFailed when _abandoned:
                // The crossed grant is back with the manager.
                _result.TrySetCanceled(_callerToken);
                Context.Stop(Self);
                break;

            case LockBusy or LockTimedOut or LockRefused or AwaitCancelled when !_holding:
                if (_abandoned)
                {
                    _result.TrySetCanceled(_callerToken);
                }
                else
                {
                    _result.TrySetResult(message);
                }

                Context.Stop(Self);
                break;

            default:
                // Late replies to an abandoned request, or transfers to a client-made owner:
                // nothing to do.
                Unhandled(message);
                break;
        }
    }
}

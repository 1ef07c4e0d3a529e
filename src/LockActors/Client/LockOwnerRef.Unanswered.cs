using Akka.Actor;

namespace LockActors.Client;

/// <summary>Requests of a <see cref="LockOwnerRef"/> that end without the manager's answer: time-outs and a manager gone.</summary>
internal sealed partial class LockOwnerRef
{
    /// <summary>How long the manager may keep a wait: its timeout, <see cref="Timeout.InfiniteTimeSpan"/> when unknown or endless.</summary>
    private static TimeSpan WaitTimeout(object request)
    {
        var timeout = request switch
        {
            Await w => w.Timeout ?? w.Options?.Timeout,
            AwaitAll all => all.Timeout ?? all.Options?.Timeout,
            _ => null,
        };

        // Null leaves the timeout to the manager's settings, which the client does not know: such a
        // wait ends with the manager's answer or, should the manager go, with the client's watch of it.
        return timeout is { } known && known != Timeout.InfiniteTimeSpan ? known : Timeout.InfiniteTimeSpan;
    }

    /// <summary>
    /// Called by the client's timeout list when request <paramref name="number"/> got no answer in
    /// time. A wait is withdrawn (its final answer, if any ever comes, is cleaned up as for any
    /// abandoned request).
    /// </summary>
    internal void TimeOut(int number)
    {
        // Read before the request is orphaned: once it is, its final answer may arrive and retire
        // this reference (clearing these fields) on the manager's thread at any moment.
        var (request, kind, done, handle) = Snapshot();
        if (!TryOrphan(number))
        {
            return;
        }

        LockRefusedException timeout;
        if (kind is RequestKind.Await or RequestKind.TryAwait)
        {
            Withdraw(request!);
            timeout = new LockRefusedException(KeysOf(request!), LockFailure.ManagerUnavailable,
                $"The lock manager {_client.Manager.Path} did not answer {request!.GetType().Name} for {KeyText.OfAll(KeysOf(request))} " +
                $"within its timeout plus {_client.RequestTimeout}; the wait was withdrawn.");
        }
        else
        {
            timeout = new LockRefusedException(KeysOf(request!), LockFailure.ManagerUnavailable,
                $"The lock manager {_client.Manager.Path} did not answer {request!.GetType().Name} within {_client.RequestTimeout}.");
        }

        if (done is TaskCompletionSource<LockHandle?> acquire)
        {
            acquire.TrySetException(timeout);
        }
        else
        {
            handle!.OnRequestTimedOut(kind, (TaskCompletionSource)done!, timeout);
        }
    }

    /// <summary>
    /// The request in flight and what completes it. Consistent when taken before a successful
    /// <see cref="TryOrphan"/> of the request's number: a new request writes these only once the
    /// previous one is over, and a retirement clears them only after its answer moved it out of flight.
    /// </summary>
    private (object? Request, RequestKind Kind, object? Done, LockHandle? Handle) Snapshot() =>
        (_request, _kind, _done, Volatile.Read(ref _handle));

    /// <summary>
    /// The manager terminated (or its node was lost): the request in flight fails at once, the lock
    /// held is lost, and the reference never serves again.
    /// </summary>
    internal void OnManagerGone(string reason)
    {
        Volatile.Write(ref _tainted, true);
        Volatile.Read(ref _handle)?.MarkLost();
        FailWithoutManager(Volatile.Read(ref _state) & ~PhaseMask, reason);
    }

    /// <summary>Fails request <paramref name="number"/>, if still in flight, because the manager is gone.</summary>
    private void FailWithoutManager(int number, string reason)
    {
        var (request, kind, done, handle) = Snapshot();
        if (!TryOrphan(number))
        {
            return;
        }

        if (done is TaskCompletionSource<LockHandle?> acquire)
        {
            var keys = KeysOf(request!);
            Retire(clean: false);
            acquire.TrySetException(new LockRefusedException(keys, LockFailure.ManagerRestarted, $"{reason} The request for {KeyText.OfAll(keys)} was not granted."));
        }
        else
        {
            handle!.OnManagerGone(kind, (TaskCompletionSource)done!, reason);
        }
    }

    /// <summary>Moves request <paramref name="number"/> from in flight (or cancelling) to orphaned; false if it is not in flight.</summary>
    private bool TryOrphan(int number)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            // Also when cancelling: a silent manager never sends the final answer a cancellation waits for.
            if ((state & ~PhaseMask) != number || (state & PhaseMask) is not (InFlight or Cancelling))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, number | Orphaned, state) == state)
            {
                // Its late answer may still come, perhaps while a retry waits: never serve another lock.
                Volatile.Write(ref _tainted, true);
                return true;
            }
        }
    }

    /// <summary>Asks the manager to withdraw the wait in flight (answered, if at all, with its final answer).</summary>
    private void Withdraw(object request)
    {
        if (request is Await or AwaitAll)
        {
            _client.Manager.Tell(new CancelAwait(KeysOf(request)) { Owner = _namedOwner }, this);
        }
    }
}

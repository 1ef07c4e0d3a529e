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
        if (!TryOrphan(number))
        {
            return;
        }

        LockRefusedException timeout;
        if (_kind is RequestKind.Await or RequestKind.TryAwait)
        {
            Withdraw();
            timeout = new LockRefusedException(KeysOf(_request!), LockFailure.ManagerUnavailable,
                $"The lock manager {_client.Manager.Path} did not answer {_request!.GetType().Name} for {KeyText.OfAll(WaitKeys()!)} " +
                $"within its timeout plus {_client.RequestTimeout}; the wait was withdrawn.");
        }
        else
        {
            timeout = new LockRefusedException(KeysOf(_request!), LockFailure.ManagerUnavailable,
                $"The lock manager {_client.Manager.Path} did not answer {_request!.GetType().Name} within {_client.RequestTimeout}.");
        }

        if (_done is TaskCompletionSource<LockHandle?> acquire)
        {
            acquire.TrySetException(timeout);
        }
        else
        {
            _handle!.OnRequestTimedOut(_kind, (TaskCompletionSource)_done!, timeout);
        }
    }

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
        if (!TryOrphan(number))
        {
            return;
        }

        if (_done is TaskCompletionSource<LockHandle?> acquire)
        {
            var keys = WaitKeys() ?? [((TryLock)_request!).Key];
            Retire(clean: false);
            acquire.TrySetException(new LockRefusedException(keys, LockFailure.ManagerRestarted, $"{reason} The request for {KeyText.OfAll(keys)} was not granted."));
        }
        else
        {
            _handle!.OnManagerGone(_kind, (TaskCompletionSource)_done!, reason);
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

    /// <summary>The keys of the wait in flight, or null when the request is no wait.</summary>
    private IReadOnlyList<object>? WaitKeys() => _request switch
    {
        Await w => [w.Key],
        AwaitAll all => all.Keys,
        _ => null,
    };

    /// <summary>Asks the manager to withdraw the wait in flight (answered, if at all, with its final answer).</summary>
    private void Withdraw()
    {
        if (WaitKeys() is { } keys)
        {
            _client.Manager.Tell(new CancelAwait(keys) { Owner = _namedOwner }, this);
        }
    }
}

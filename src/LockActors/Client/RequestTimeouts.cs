namespace LockActors.Client;

/// <summary>
/// The request time-outs of one <see cref="LockClient"/>: one timer for the earliest deadline
/// instead of one timer per request, as the manager does for its waits.
/// </summary>
/// <remarks>
/// Every timed request of a client has the same timeout, so appending each one as it is sent keeps
/// the list in deadline order: a request is linked and unlinked in O(1) without allocating, and the
/// timer only ever has to watch the head. It is re-armed when it fires, not when the head answers
/// in time, so under steady traffic it fires about once per <see cref="LockClient.RequestTimeout"/>.
/// An armed timer keeps the client reachable only while a request is pending.
/// </remarks>
internal sealed class RequestTimeouts(TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private readonly long _timeoutMs = (long)Math.Ceiling(timeout.TotalMilliseconds);
    private LockOwnerRef? _head, _tail;
    private Timer? _timer;
    private bool _armed;

    /// <summary>Starts the clock for request <paramref name="number"/>, which <paramref name="owner"/> is about to send.</summary>
    public void Add(LockOwnerRef owner, int number)
    {
        lock (_gate)
        {
            if (owner.TimeoutLinked)
            {
                Unlink(owner);
            }

            // Read under the lock, so deadlines grow along the list.
            owner.TimeoutDeadline = Environment.TickCount64 + _timeoutMs;
            owner.TimeoutLinked = true;
            owner.TimeoutRequest = number;
            owner.TimeoutPrev = _tail;
            owner.TimeoutNext = null;
            if (_tail is null)
            {
                _head = owner;
            }
            else
            {
                _tail.TimeoutNext = owner;
            }

            _tail = owner;
            if (!_armed)
            {
                Arm(_timeoutMs);
            }
        }
    }

    /// <summary>The request of <paramref name="owner"/> got its answer (or never had a clock).</summary>
    public void Remove(LockOwnerRef owner)
    {
        if (!Volatile.Read(ref owner.TimeoutLinked))
        {
            return;
        }

        lock (_gate)
        {
            if (owner.TimeoutLinked)
            {
                Unlink(owner);
            }
        }
    }

    private void Unlink(LockOwnerRef owner)
    {
        if (owner.TimeoutPrev is null)
        {
            _head = owner.TimeoutNext;
        }
        else
        {
            owner.TimeoutPrev.TimeoutNext = owner.TimeoutNext;
        }

        if (owner.TimeoutNext is null)
        {
            _tail = owner.TimeoutPrev;
        }
        else
        {
            owner.TimeoutNext.TimeoutPrev = owner.TimeoutPrev;
        }

        owner.TimeoutPrev = owner.TimeoutNext = null;
        owner.TimeoutLinked = false;
    }

    private void Arm(long dueMs)
    {
        if (_timer is null)
        {
            // Without the caller's execution context, which would otherwise live as long as the client.
            var suppressed = ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow();
            _timer = new Timer(static s => ((RequestTimeouts)s!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
            suppressed?.Undo();
        }

        _timer.Change(Math.Max(dueMs, 1), Timeout.Infinite);
        _armed = true;
    }

    private void Fire()
    {
        List<(LockOwnerRef Owner, int Request)>? expired = null;
        lock (_gate)
        {
            _armed = false;
            var now = Environment.TickCount64;
            while (_head is { } head && head.TimeoutDeadline <= now)
            {
                Unlink(head);
                (expired ??= []).Add((head, head.TimeoutRequest));
            }

            if (_head is { } next)
            {
                Arm(next.TimeoutDeadline - now);
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var (owner, request) in expired)
        {
            owner.TimeOut(request);
        }
    }
}

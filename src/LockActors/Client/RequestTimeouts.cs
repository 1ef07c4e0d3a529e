namespace LockActors.Client;

/// <summary>
/// The request time-outs of one <see cref="LockClient"/>: one timer for all of them instead of one
/// timer per request, as the manager does for its waits.
/// </summary>
/// <remarks>
/// <para>The owner references that have sent a timed request stay on a list until the timer finds
/// them without a request in flight. Starting a request on a reference already listed writes its
/// deadline and number into the reference and takes no lock; an answer touches nothing here at all.
/// A lock taken by the caller and again by the manager's thread for every request cost about a
/// tenth of a <c>LockClient</c> lock+release, mostly the lock's memory moving between the two
/// cores. The list holds one entry per reference (the client reuses references), unordered.</para>
/// <para>When the timer fires it walks the list: a request past its deadline times out, a reference
/// with nothing in flight leaves the list, and the timer is armed again for the earliest deadline
/// left. Every timed request of a client has the same timeout, so one sent after a walk never has
/// an earlier deadline than the timer's. A request is never timed out before its deadline, and at
/// most one timer period after it. An armed timer keeps the client reachable only while a
/// reference is listed.</para>
/// <para>A reference leaves the list while its next request may be starting on another thread: the
/// walk clears its mark and then reads its state again, the request announces itself in its state
/// and then reads the mark, both with full fences, so one of the two sees the other and the
/// request is never left untimed.</para>
/// </remarks>
internal sealed class RequestTimeouts(TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private readonly long _timeoutMs = (long)Math.Ceiling(timeout.TotalMilliseconds);
    private LockOwnerRef? _head;
    private Timer? _timer;
    private bool _armed;

    /// <summary>
    /// Starts the clock for request <paramref name="number"/> of <paramref name="owner"/>, which has
    /// already announced it in its state (with a full fence) and is about to send it.
    /// </summary>
    public void Add(LockOwnerRef owner, int number)
    {
        owner.TimeoutDeadline = Environment.TickCount64 + _timeoutMs;
        // After the deadline: whoever reads this number reads this deadline or a later one.
        Volatile.Write(ref owner.TimeoutRequest, number);
        if (Volatile.Read(ref owner.TimeoutListed))
        {
            return;
        }

        lock (_gate)
        {
            if (!owner.TimeoutListed)
            {
                owner.TimeoutNext = _head;
                _head = owner;
                Volatile.Write(ref owner.TimeoutListed, true);
            }

            if (!_armed)
            {
                Arm(_timeoutMs);
            }
        }
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
            var now = Environment.TickCount64;
            long? earliest = null;
            LockOwnerRef? previous = null;
            for (var owner = _head; owner is not null;)
            {
                var next = owner.TimeoutNext;
                if (!owner.AwaitsAnswer(out var number))
                {
                    // Nothing in flight: unlisted, unless a request started meanwhile (see the remarks).
                    Volatile.Write(ref owner.TimeoutListed, false);
                    Interlocked.MemoryBarrier();
                    if (!owner.AwaitsAnswer(out number))
                    {
                        if (previous is null)
                        {
                            _head = next;
                        }
                        else
                        {
                            previous.TimeoutNext = next;
                        }

                        owner.TimeoutNext = null;
                        owner = next;
                        continue;
                    }

                    Volatile.Write(ref owner.TimeoutListed, true);
                }

                // A number other than the state's: the request's own Add has not written it yet, or
                // the request is not timed here (an Await); either way it is not due.
                if (Volatile.Read(ref owner.TimeoutRequest) == number)
                {
                    var deadline = owner.TimeoutDeadline;
                    if (deadline <= now)
                    {
                        (expired ??= []).Add((owner, number));
                    }
                    else if (earliest is null || deadline < earliest)
                    {
                        earliest = deadline;
                    }
                }

                previous = owner;
                owner = next;
            }

            _armed = false;
            if (_head is not null)
            {
                // Listed references with nothing due yet are looked at again within one timeout.
                Arm(Math.Min(earliest ?? now + _timeoutMs, now + _timeoutMs) - now);
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

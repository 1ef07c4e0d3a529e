namespace LockActors.Client;

/// <summary>
/// The request time-outs of one <see cref="LockClient"/>: one timer for all of them instead of one
/// timer per request, as the manager does for its waits.
/// </summary>
/// <remarks>
/// <para>A wait is timed here too, as a backstop to the manager's own clock: its allowance (the
/// wait's timeout) is added to the request timeout.</para>
/// <para>The owner references that have sent a timed request stay on a list until the timer finds
/// them without a request in flight. Starting a request on a reference already listed writes its
/// number into the reference and takes no lock and reads no clock; an answer touches nothing here at
/// all, so the caller's thread and the manager's never contend for a lock or a cache line here per
/// request. The list holds one entry per reference (the client reuses references), unordered.</para>
/// <para>While a reference is listed the timer ticks every eighth of the timeout. A tick walks the
/// list: it notes the time it first sees a request in flight, times out a request it has seen for a
/// whole timeout, and unlists a reference with nothing in flight. A request is first seen at the
/// first tick after it starts, so it never times out before its timeout has passed (to within the
/// resolution of <see cref="Environment.TickCount64"/>), and at most two ticks (a quarter of the
/// timeout) after it. An armed timer keeps the client reachable only while
/// a reference is listed.</para>
/// <para>A reference leaves the list while its next request may be starting on another thread: the
/// walk clears its mark and then reads its state again, the request announces itself in its state
/// and then reads the mark, both with full fences, so one of the two sees the other and the
/// request is never left untimed.</para>
/// </remarks>
internal sealed class RequestTimeouts(TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private readonly long _timeoutMs = (long)Math.Ceiling(timeout.TotalMilliseconds);

    // An eighth of the timeout (which the client keeps within what a Timer accepts).
    private readonly long _tickMs = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds / 8));
    private LockOwnerRef? _head;
    private Timer? _timer;
    private bool _armed;

    /// <summary>
    /// Starts the clock for request <paramref name="number"/> of <paramref name="owner"/>, which has
    /// already announced it in its state (with a full fence) and is about to send it.
    /// </summary>
    public void Add(LockOwnerRef owner, int number)
    {
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
                Arm();
            }
        }
    }

    private void Arm()
    {
        if (_timer is null)
        {
            // Without the caller's execution context, which would otherwise live as long as the client.
            var suppressed = ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow();
            _timer = new Timer(static s => ((RequestTimeouts)s!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
            suppressed?.Undo();
        }

        _timer.Change(_tickMs, Timeout.Infinite);
        _armed = true;
    }

    private void Fire()
    {
        List<(LockOwnerRef Owner, int Request)>? expired = null;
        lock (_gate)
        {
            var now = Environment.TickCount64;
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
                    if (owner.TimeoutSeenRequest != number)
                    {
                        owner.TimeoutSeenRequest = number;
                        owner.TimeoutSeenAt = now;
                    }
                    else if (now - owner.TimeoutSeenAt >= _timeoutMs + Volatile.Read(ref owner.TimeoutAllowanceMs))
                    {
                        (expired ??= []).Add((owner, number));
                    }
                }

                previous = owner;
                owner = next;
            }

            _armed = false;
            if (_head is not null)
            {
                Arm();
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

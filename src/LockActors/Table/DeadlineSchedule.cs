namespace LockActors.Table;

/// <summary>
/// The deadlines of timed waits, earliest first, and the wake-up the table asked for. A wait that is
/// granted or withdrawn stays in the heap until it surfaces (taking it out would cost a search); the
/// heap is rebuilt when such settled waits are the majority, so memory follows the pending waits.
/// </summary>
internal sealed class DeadlineSchedule(ILockEffects effects)
{
    /// <summary>The deadline of a wait that never times out.</summary>
    public const long Never = long.MaxValue;

    // Timed waits by deadline, settled ones included until they surface.
    private readonly PriorityQueue<Wait, long> _heap = new();

    // The earliest wake-up asked of the manager, or Never.
    private long _wakeAt = Never;

    // How many waits in the heap are settled.
    private int _settled;

    /// <summary>How many waits the heap holds, settled ones included.</summary>
    public int Count => _heap.Count;

    /// <summary>Adds a pending wait with a deadline and asks to be woken for it if it is the earliest.</summary>
    public void Add(Wait wait, long deadline)
    {
        _heap.Enqueue(wait, deadline);
        if (deadline < _wakeAt)
        {
            _wakeAt = deadline;
            effects.WakeAt(deadline);
        }
    }

    /// <summary>Notes that a timed wait in the heap was granted or withdrawn.</summary>
    public void Settled() => _settled++;

    /// <summary>The earliest wait, if its deadline is at or before <paramref name="now"/>; it stays in the heap.</summary>
    public bool TryPeekDue(long now, out Wait wait) => _heap.TryPeek(out wait!, out var deadline) && deadline <= now;

    /// <summary>Takes the earliest wait out of the heap; it must be settled by now.</summary>
    public void RemoveEarliest()
    {
        _heap.Dequeue();
        _settled--;
    }

    /// <summary>Asks to be woken at the earliest pending deadline (dropping settled waits on the way), if any.</summary>
    public void Rearm()
    {
        _wakeAt = Never;
        while (_heap.TryPeek(out var wait, out var deadline))
        {
            if (wait.Pending)
            {
                _wakeAt = deadline;
                effects.WakeAt(deadline);
                return;
            }

            RemoveEarliest();
        }
    }

    /// <summary>Rebuilds the heap without its settled waits when they are the majority.</summary>
    public void CompactIfMostlySettled()
    {
        if (_settled < 1024 || _settled * 2 < _heap.Count)
        {
            return;
        }

        var pending = _heap.UnorderedItems.Where(x => x.Element.Pending).ToList();
        _heap.Clear();
        _heap.EnqueueRange(pending);
        _settled = 0;
    }

    /// <summary>The deadline of every pending wait (in no particular order).</summary>
    public IEnumerable<(Wait Wait, long Deadline)> Pending() =>
        _heap.UnorderedItems.Where(x => x.Element.Pending).Select(x => (x.Element, x.Priority));

    /// <summary>Forgets every deadline.</summary>
    public void Clear()
    {
        _heap.Clear();
        _settled = 0;
        _wakeAt = Never;
    }
}

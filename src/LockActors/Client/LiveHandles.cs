namespace LockActors.Client;

/// <summary>
/// The handles of one <see cref="LockClient"/> that are still held, for <see cref="LockClient.GoodbyeAsync"/>:
/// a list linked through the handles themselves, so taking and ending a handle costs a short lock
/// and no allocation.
/// </summary>
internal sealed class LiveHandles
{
    private readonly Lock _gate = new();
    private LockHandle? _head;

    public void Add(LockHandle handle)
    {
        lock (_gate)
        {
            handle.LiveNext = _head;
            if (_head is not null)
            {
                _head.LivePrev = handle;
            }

            _head = handle;
            handle.IsLive = true;
        }
    }

    public void Remove(LockHandle handle)
    {
        lock (_gate)
        {
            if (!handle.IsLive)
            {
                return;
            }

            if (handle.LivePrev is null)
            {
                _head = handle.LiveNext;
            }
            else
            {
                handle.LivePrev.LiveNext = handle.LiveNext;
            }

            if (handle.LiveNext is not null)
            {
                handle.LiveNext.LivePrev = handle.LivePrev;
            }

            handle.LivePrev = handle.LiveNext = null;
            handle.IsLive = false;
        }
    }

    /// <summary>The handles held right now, oldest first.</summary>
    public List<LockHandle> Snapshot()
    {
        var handles = new List<LockHandle>();
        lock (_gate)
        {
            for (var h = _head; h is not null; h = h.LiveNext)
            {
                handles.Add(h);
            }
        }

        handles.Reverse();
        return handles;
    }
}

namespace LockActors.Table;

/// <summary>
/// One key that is held, waited for, or both. Dropped from the table when it is neither, and kept
/// for a later key (see <see cref="KeyEntries"/>). Its own <see cref="Holding"/> slot serves the
/// first holder; <see cref="Others"/> the rest.
/// </summary>
internal sealed class KeyEntry(FiledKey filed, int capacity) : Holding
{
    /// <summary>The key; another only when an idle entry is reused (see <see cref="Reuse"/>).</summary>
    public object Key { get; private set; } = filed.Key;

    /// <summary>The key's hash code when it came into use: the entry is filed under it while the key is in use.</summary>
    public int Hash { get; private set; } = filed.Hash;

    /// <summary>The key and hash code the entry is filed under, matching only this very key object: finding or removing the entry by it calls none of the key's code.</summary>
    public FiledKey Filed => new(Key, Hash, byIdentity: true);

    /// <summary>Null for a plain lock: capacity 1, at most one holder, exclusive, with one permit.</summary>
    private KeySharing? _sharing = capacity > 1 ? new KeySharing(capacity) : null;

    /// <summary>The wait queue of this key: higher priority first, then first come first.</summary>
    public IntrusiveList<WaitNode, WaitNode.InQueue> Queue;

    /// <summary>The first in line, or null when nobody waits.</summary>
    public WaitNode? Head => Queue.First;

    public override KeyEntry Entry => this;

    /// <summary>Stands in for the key of an entry kept for reuse, so the entry does not keep the key alive.</summary>
    private static readonly object NoKey = new();

    /// <summary>Lets go of the key of an idle entry just taken out of the table and kept for reuse.</summary>
    public void Park() => Key = NoKey;

    /// <summary>Makes an idle entry, taken out of the table, the entry of another key, as new.</summary>
    public void Reuse(FiledKey filed, int capacity)
    {
        Key = filed.Key;
        Hash = filed.Hash;
        _sharing = capacity > 1 ? new KeySharing(capacity) : null;
        Holder = null;
        Token = 0;
        MultiKeys = null;
        Note = null;
        HeldLinks = default;
        Queue = default;
    }

    /// <summary>The permits of the holder in this entry's own slot.</summary>
    public override int Permits => _sharing?.OwnPermits ?? 1;

    /// <summary>How many permits the key has; fixed while the entry exists.</summary>
    public int Capacity => _sharing?.Capacity ?? 1;

    /// <summary>Permits held: the sum over exclusive holders, or the number of shared holders. Zero when free.</summary>
    public int PermitsHeld => _sharing?.PermitsHeld ?? (Holder is null ? 0 : 1);

    /// <summary>The mode of every current holder; meaningless when free.</summary>
    public LockMode HeldMode => _sharing?.HeldMode ?? LockMode.Exclusive;

    /// <summary>Holders beyond the one in this entry's own slot; null until a key has had two at once.</summary>
    public Dictionary<Party, ExtraHolding>? Others => _sharing?.Others;

    public bool IsFree => PermitsHeld == 0;

    public bool IsIdle => IsFree && Head is null;

    /// <summary>True when a request in <paramref name="mode"/> for <paramref name="permits"/> could hold the key beside its current holders.</summary>
    public bool Admits(LockMode mode, int permits)
    {
        if (_sharing is not { } sharing)
        {
            return Holder is null;
        }

        return sharing.PermitsHeld == 0
            || (mode == LockMode.Shared
                ? sharing.HeldMode == LockMode.Shared
                : sharing.HeldMode == LockMode.Exclusive && permits <= sharing.Capacity - sharing.PermitsHeld);
    }

    /// <summary>The holding of <paramref name="party"/>, or null when it does not hold the key.</summary>
    public Holding? HoldingOf(Party party)
    {
        if (Holder == party)
        {
            return this;
        }

        return Others is { } others && others.TryGetValue(party, out var other) ? other : null;
    }

    /// <summary>Some holder, found in O(1): this entry's own slot if used, else any other. Null when free.</summary>
    public Party? AnyHolder()
    {
        if (Holder is not null || Others is not { } others)
        {
            return Holder;
        }

        foreach (var other in others.Values)
        {
            return other.Holder;
        }

        return null;
    }

    /// <summary>Every holding in use (walks the holders).</summary>
    public IEnumerable<Holding> Holdings()
    {
        if (Holder is not null)
        {
            yield return this;
        }

        if (Others is { } others)
        {
            foreach (var other in others.Values)
            {
                yield return other;
            }
        }
    }

    /// <summary>
    /// A slot for a new holder of <paramref name="permits"/> in <paramref name="mode"/>, counted as held:
    /// this entry's own when unused. The caller checked that the key admits it.
    /// </summary>
    public Holding NewHolding(Party party, LockMode mode, int permits)
    {
        if (_sharing is null && mode == LockMode.Shared)
        {
            _sharing = new KeySharing(1);
        }

        if (_sharing is not { } sharing)
        {
            return this;
        }

        sharing.PermitsHeld += permits;
        sharing.HeldMode = mode;
        if (Holder is null)
        {
            sharing.OwnPermits = permits;
            return this;
        }

        var extra = new ExtraHolding(this, permits);
        (sharing.Others ??= new Dictionary<Party, ExtraHolding>()).Add(party, extra);
        return extra;
    }

    /// <summary>Gives a holding's slot back (its owner's list is the caller's business).</summary>
    public void FreeHolding(Holding holding)
    {
        if (_sharing is { } sharing)
        {
            sharing.PermitsHeld -= holding.Permits;
            if (holding != this)
            {
                sharing.Others!.Remove(holding.Holder!);
            }
        }

        holding.Holder = null;
        holding.MultiKeys = null;
    }

    /// <summary>
    /// Queues <paramref name="node"/> behind every node of the same or higher priority, so it
    /// overtakes only lower priorities (walks back over the nodes it overtakes).
    /// </summary>
    public void Enqueue(WaitNode node)
    {
        var priority = node.Request.Priority;
        var after = Queue.Last;
        while (after is not null && after.Request.Priority < priority)
        {
            after = Queue.Prev(after);
        }

        Queue.InsertAfter(after, node);
    }

    public void Unlink(WaitNode node) => Queue.Remove(node);
}

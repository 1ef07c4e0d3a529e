using Akka.Actor;

namespace LockActors.Table;

// The table's records. They are mutable and linked to each other so that every operation
// touches only the keys of its request: a wait sits in the queue of each of its keys
// (one WaitNode per key, unlinked in O(1)) and in its owner's list of waits; an owner knows
// the entries it holds.

/// <summary>
/// One owner's hold on one key: permits, and the grant it came from. Linked into the owner's list
/// of holdings. A key's first holding is the <see cref="KeyEntry"/> itself, so a key with one
/// holder (the common case) is one object; further holders of a shared or semaphore key get an
/// <see cref="ExtraHolding"/> each.
/// </summary>
internal abstract class Holding
{
    /// <summary>The owner, or null when this slot is unused (only an entry's own slot can be).</summary>
    public Party? Holder;

    /// <summary>The fencing token of the grant the key is held under.</summary>
    public long Token;

    /// <summary>
    /// The keys of the multi-key grant the key is held under (shared by all its holdings), or null for
    /// a single-key grant. With <see cref="Token"/>, <see cref="Mode"/> and <see cref="Permits"/> this
    /// is enough to rebuild the grant, so no grant object is kept.
    /// </summary>
    public IReadOnlyList<object>? MultiKeys;

    /// <summary>Links in the holder's list of holdings.</summary>
    public Holding? HeldPrev, HeldNext;

    /// <summary>The key held.</summary>
    public abstract KeyEntry Entry { get; }

    /// <summary>The permits this holding holds on the key.</summary>
    public abstract int Permits { get; }

    /// <summary>The mode of the holding: every holder of a key holds it in the same mode.</summary>
    public LockMode Mode => Entry.HeldMode;
}

/// <summary>A second or later holder of a shared or semaphore key.</summary>
internal sealed class ExtraHolding(KeyEntry entry, int permits) : Holding
{
    public override KeyEntry Entry { get; } = entry;

    public override int Permits { get; } = permits;
}

/// <summary>
/// What a key needs once it can have several holders at once: a semaphore (capacity above 1) from
/// its creation, a lock from its first shared holder on. A plain lock, held by one exclusive holder
/// at a time, has none.
/// </summary>
internal sealed class KeySharing(int capacity)
{
    /// <summary>How many permits the key has; fixed while the entry exists.</summary>
    public readonly int Capacity = capacity;

    /// <summary>Permits held: the sum over exclusive holders, or the number of shared holders. Zero when free.</summary>
    public int PermitsHeld;

    /// <summary>The permits of the holder in the entry's own slot.</summary>
    public int OwnPermits;

    /// <summary>The mode of every current holder (they all agree); meaningless when free.</summary>
    public LockMode HeldMode;

    /// <summary>Holders beyond the one in the entry's own slot; null until the key has had two at once.</summary>
    public Dictionary<Party, ExtraHolding>? Others;
}

/// <summary>
/// One key that is held, waited for, or both. Dropped from the table when it is neither. Its own
/// <see cref="Holding"/> slot serves the first holder; <see cref="Others"/> the rest.
/// </summary>
internal sealed class KeyEntry(object key, int capacity) : Holding
{
    /// <summary>The key; set anew only when the table reuses an idle entry (see <see cref="Reuse"/>).</summary>
    public object Key { get; private set; } = key;

    /// <summary>Null for a plain lock: capacity 1, at most one holder, exclusive, with one permit.</summary>
    private KeySharing? _sharing = SharingFor(capacity);

    /// <summary>
    /// The wait queue of this key: higher priority first, then first come first. Linked through
    /// <see cref="WaitNode.Next"/> (null after the last); the head's <see cref="WaitNode.Prev"/> is the
    /// last node, so no tail is kept.
    /// </summary>
    public WaitNode? Head;

    /// <summary>The last node of the wait queue, or null when nobody waits.</summary>
    public WaitNode? Tail => Head?.Prev;

    public override KeyEntry Entry => this;

    /// <summary>A semaphore's sharing state from the start; none for a lock until it is first held shared.</summary>
    private static KeySharing? SharingFor(int capacity) => capacity > 1 ? new KeySharing(capacity) : null;

    /// <summary>Makes an idle entry (no holder, nobody waiting, out of the table) the entry of another key, as new.</summary>
    public void Reuse(object key, int capacity)
    {
        Key = key;
        _sharing = SharingFor(capacity);
        Holder = null;
        Token = 0;
        MultiKeys = null;
        HeldPrev = HeldNext = null;
        Head = null;
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
        var after = Tail;
        while (after is not null && after.Request.Priority < priority)
        {
            after = after == Head ? null : after.Prev;
        }

        if (after is null)
        {
            node.Prev = Head is null ? node : Head.Prev; // the tail, or the node itself when alone
            node.Next = Head;
            if (Head is not null)
            {
                Head.Prev = node;
            }

            Head = node;
            return;
        }

        node.Prev = after;
        node.Next = after.Next;
        (after.Next ?? Head!).Prev = node; // a new tail is the head's Prev
        after.Next = node;
    }

    public void Unlink(WaitNode node)
    {
        if (node == Head)
        {
            Head = node.Next;
            if (Head is not null)
            {
                Head.Prev = node.Prev; // the tail
            }
        }
        else
        {
            node.Prev!.Next = node.Next;
            (node.Next ?? Head!).Prev = node.Prev; // a new tail is the head's Prev
        }

        node.Prev = node.Next = null;
    }
}

/// <summary>A wait's place in one key's queue.</summary>
internal abstract class WaitNode(KeyEntry entry)
{
    /// <summary>The key whose queue the node is in.</summary>
    public readonly KeyEntry Entry = entry;

    /// <summary>Links in the key's queue (see <see cref="KeyEntry.Head"/>); Prev is null only when the node is not queued.</summary>
    public WaitNode? Prev, Next;

    /// <summary>The wait this node places in line.</summary>
    public abstract Wait Request { get; }
}

/// <summary>A wait's node in the queue of a key after its first.</summary>
internal sealed class ExtraWaitNode(Wait request, KeyEntry entry) : WaitNode(entry)
{
    public override Wait Request { get; } = request;
}

/// <summary>
/// A pending <see cref="Await"/> or <see cref="AwaitAll"/>. It is itself the queue node for its
/// first key, so a single-key wait is one object; further keys get a node each. Its terms are kept
/// in a <see cref="WaitDetails"/>, which plain waits share; its deadline only in the table's heap.
/// </summary>
internal sealed class Wait : WaitNode
{
    private readonly WaitDetails _details;

    public Wait(Party owner, IActorRef? replyTo, ReadOnlySpan<KeyEntry> entries, IReadOnlyList<object> keys, bool isMulti, in LockTerms terms, long deadline)
        : base(entries[0])
    {
        Owner = owner;
        ReplyTo = replyTo;
        _details = WaitDetails.For(terms, isMulti ? keys : null, entries.Length - 1, timed: deadline != LockTable.Never);
        for (var i = 1; i < entries.Length; i++)
        {
            _details.OtherNodes![i - 1] = new ExtraWaitNode(this, entries[i]);
        }
    }

    public override Wait Request => this;

    public readonly Party Owner;
    public readonly IActorRef? ReplyTo;

    /// <summary>True when the wait has a deadline, so it is in the table's deadline heap.</summary>
    public bool IsTimed => _details.IsTimed;

    public int Permits => _details.Permits;

    public int Priority => _details.Priority;

    public LockMode Mode => _details.Mode;

    /// <summary>False once the wait was granted, timed out, refused or withdrawn (its node left its first key's queue).</summary>
    public bool Pending => Prev is not null;

    /// <summary>Links in the owner's list of waits (see <see cref="Party.FirstWait"/>).</summary>
    public Wait? OwnerPrev, OwnerNext;

    /// <summary>True when the wait came from <see cref="AwaitAll"/>.</summary>
    public bool IsMulti => _details.MultiKeys is not null;

    /// <summary>The request's keys in the order given (built on demand for a single key).</summary>
    public IReadOnlyList<object> Keys => _details.MultiKeys ?? [Entry.Key];

    public int NodeCount => _details.OtherNodes is { } others ? others.Length + 1 : 1;

    public WaitNode NodeAt(int i) => i == 0 ? this : _details.OtherNodes![i - 1];

    /// <summary>True when this wait is first in line for every key and every key admits it.</summary>
    public bool IsGrantable
    {
        get
        {
            for (var i = 0; i < NodeCount; i++)
            {
                var node = NodeAt(i);
                if (!ReferenceEquals(node.Entry.Head, node) || !node.Entry.Admits(Mode, Permits))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>
/// A wait's terms, whether it has a deadline, and for an <see cref="AwaitAll"/> its keys and further
/// queue nodes. Every plain wait (one key, exclusive, one permit, default priority) shares one of two
/// instances, so it allocates nothing beyond the <see cref="Wait"/>.
/// </summary>
internal sealed class WaitDetails
{
    private static readonly WaitDetails PlainTimed = new(LockTerms.Default, null, 0, timed: true);
    private static readonly WaitDetails PlainUntimed = new(LockTerms.Default, null, 0, timed: false);

    public WaitDetails(in LockTerms terms, IReadOnlyList<object>? multiKeys, int otherNodes, bool timed)
    {
        Mode = terms.Mode;
        Permits = terms.Permits;
        Priority = terms.Priority;
        IsTimed = timed;
        MultiKeys = multiKeys;
        OtherNodes = otherNodes > 0 ? new ExtraWaitNode[otherNodes] : null;
    }

    /// <summary>The details of a new wait: a shared instance for a plain wait, else a new one.</summary>
    public static WaitDetails For(in LockTerms terms, IReadOnlyList<object>? multiKeys, int otherNodes, bool timed) =>
        multiKeys is null && otherNodes == 0 && terms is { Mode: LockMode.Exclusive, Permits: 1, Priority: 0 }
            ? (timed ? PlainTimed : PlainUntimed)
            : new WaitDetails(terms, multiKeys, otherNodes, timed);

    public readonly int Permits;
    public readonly int Priority;
    public readonly LockMode Mode;

    /// <summary>True when the wait has a deadline (the deadline itself is kept only in the table's heap).</summary>
    public readonly bool IsTimed;

    /// <summary>The keys of an <see cref="AwaitAll"/>, or null for an <see cref="Await"/>.</summary>
    public readonly IReadOnlyList<object>? MultiKeys;

    /// <summary>The nodes for the keys after the first (filled in by the wait); null for a single key.</summary>
    public readonly ExtraWaitNode[]? OtherNodes;
}

/// <summary>An actor the table knows of because it holds keys or waits for some. Watched while it exists.</summary>
internal sealed class Party(IActorRef actor)
{
    public readonly IActorRef Actor = actor;

    /// <summary>This party's holdings (linked through <see cref="Holding.HeldNext"/>).</summary>
    public Holding? FirstHeld;

    /// <summary>
    /// This party's pending waits, oldest first, linked through <see cref="Wait.OwnerNext"/> (null after
    /// the last). The first wait's <see cref="Wait.OwnerPrev"/> is the last wait, so no tail is kept.
    /// </summary>
    public Wait? FirstWait;

    /// <summary>
    /// This party's place among the idle owners kept watched: in the table's list while idle (its
    /// value says since which sweep); <see cref="DroppedMark"/> once the table dropped the party.
    /// </summary>
    public LinkedListNode<IdleOwner>? IdleNode;

    /// <summary>Marks a party the table dropped (a later request for its actor makes a new party).</summary>
    public static readonly LinkedListNode<IdleOwner> DroppedMark = new(default);

    public bool IsEmpty => FirstHeld is null && FirstWait is null;

    public bool IsIdle => IdleNode?.List is not null;

    public bool Dropped => ReferenceEquals(IdleNode, DroppedMark);

    /// <summary>Takes a slot of <paramref name="entry"/> under the given grant.</summary>
    public void Hold(KeyEntry entry, long token, IReadOnlyList<object>? multiKeys, LockMode mode, int permits)
    {
        var holding = entry.NewHolding(this, mode, permits);
        holding.Holder = this;
        holding.Token = token;
        holding.MultiKeys = multiKeys;

        holding.HeldPrev = null;
        holding.HeldNext = FirstHeld;
        if (FirstHeld is not null)
        {
            FirstHeld.HeldPrev = holding;
        }

        FirstHeld = holding;
    }

    /// <summary>Gives up a holding of this party.</summary>
    public void Unhold(Holding holding)
    {
        if (holding.HeldPrev is null)
        {
            FirstHeld = holding.HeldNext;
        }
        else
        {
            holding.HeldPrev.HeldNext = holding.HeldNext;
        }

        if (holding.HeldNext is not null)
        {
            holding.HeldNext.HeldPrev = holding.HeldPrev;
        }

        holding.HeldPrev = holding.HeldNext = null;
        holding.Entry.FreeHolding(holding);
    }

    public void AddWait(Wait wait)
    {
        wait.OwnerNext = null;
        if (FirstWait is null)
        {
            wait.OwnerPrev = wait;
            FirstWait = wait;
        }
        else
        {
            var last = FirstWait.OwnerPrev!;
            wait.OwnerPrev = last;
            last.OwnerNext = wait;
            FirstWait.OwnerPrev = wait;
        }
    }

    public void RemoveWait(Wait wait)
    {
        var first = FirstWait!;
        if (wait == first)
        {
            FirstWait = wait.OwnerNext;
            if (FirstWait is not null)
            {
                FirstWait.OwnerPrev = wait.OwnerPrev; // the last wait
            }
        }
        else
        {
            wait.OwnerPrev!.OwnerNext = wait.OwnerNext;
            (wait.OwnerNext ?? first).OwnerPrev = wait.OwnerPrev; // the last wait's successor is the first
        }

        wait.OwnerPrev = wait.OwnerNext = null;
    }
}

/// <summary>An owner kept watched while it holds and waits for nothing, and the table's sweep count when it became idle.</summary>
internal readonly record struct IdleOwner(Party Party, int Since);

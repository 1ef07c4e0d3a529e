using Akka.Actor;

namespace LockActors.Table;

// The table's records. They are mutable and linked to each other so that every operation
// touches only the keys of its request: a wait sits in the queue of each of its keys
// (one WaitNode per key, unlinked in O(1)) and in its owner's list of waits; an owner knows
// the entries it holds.

/// <summary>One key that is held, waited for, or both. Dropped from the table when it is neither.</summary>
internal sealed class KeyEntry(object key)
{
    public readonly object Key = key;

    /// <summary>The owner, or null when the key is free (it may still be promised to <see cref="Head"/>).</summary>
    public Party? Holder;

    /// <summary>The fencing token of the grant the key is held under; meaningless when free.</summary>
    public long Token;

    /// <summary>
    /// The keys of the multi-key grant the key is held under, shared by all its entries; null for a
    /// single-key grant. With <see cref="Token"/> this is enough to rebuild the grant, so no grant
    /// object is kept per held key.
    /// </summary>
    public IReadOnlyList<object>? MultiKeys;

    /// <summary>The wait queue of this key, first come first.</summary>
    public WaitNode? Head, Tail;

    /// <summary>Links in the holder's list of held entries.</summary>
    public KeyEntry? HeldPrev, HeldNext;

    public bool IsFree => Holder is null;

    public bool IsIdle => Holder is null && Head is null;

    public void Enqueue(WaitNode node)
    {
        node.Prev = Tail;
        node.Next = null;
        if (Tail is null)
        {
            Head = node;
        }
        else
        {
            Tail.Next = node;
        }

        Tail = node;
    }

    public void Unlink(WaitNode node)
    {
        if (node.Prev is null)
        {
            Head = node.Next;
        }
        else
        {
            node.Prev.Next = node.Next;
        }

        if (node.Next is null)
        {
            Tail = node.Prev;
        }
        else
        {
            node.Next.Prev = node.Prev;
        }

        node.Prev = node.Next = null;
    }
}

/// <summary>A wait's place in one key's queue.</summary>
internal class WaitNode
{
    protected WaitNode()
    {
    }

    public WaitNode(Wait request, KeyEntry entry)
    {
        Request = request;
        Entry = entry;
    }

    /// <summary>The wait this node places in line.</summary>
    public Wait Request { get; protected set; } = null!;

    /// <summary>The key whose queue the node is in.</summary>
    public KeyEntry Entry { get; protected set; } = null!;

    public WaitNode? Prev, Next;
}

/// <summary>
/// A pending <see cref="Await"/> or <see cref="AwaitAll"/>. It is itself the queue node for its
/// first key, so a single-key wait is one object; further keys get a node each.
/// </summary>
internal sealed class Wait : WaitNode
{
    private readonly IReadOnlyList<object>? _multiKeys;

    public Wait(long id, Party owner, IActorRef? replyTo, KeyEntry[] entries, IReadOnlyList<object> keys, bool isMulti, long deadline)
    {
        Request = this;
        Entry = entries[0];
        Id = id;
        Owner = owner;
        ReplyTo = replyTo;
        Deadline = deadline;
        _multiKeys = isMulti ? keys : null;
        if (entries.Length > 1)
        {
            OtherNodes = new WaitNode[entries.Length - 1];
            for (var i = 1; i < entries.Length; i++)
            {
                OtherNodes[i - 1] = new WaitNode(this, entries[i]);
            }
        }
    }

    /// <summary>Arrival order over the whole table: a smaller id arrived earlier.</summary>
    public readonly long Id;
    public readonly Party Owner;
    public readonly IActorRef? ReplyTo;
    public readonly long Deadline;

    /// <summary>The nodes for the keys after the first; null for a single key.</summary>
    public readonly WaitNode[]? OtherNodes;

    /// <summary>False once the wait was granted, timed out, refused or withdrawn.</summary>
    public bool Pending = true;

    /// <summary>Links in the owner's list of waits.</summary>
    public Wait? OwnerPrev, OwnerNext;

    /// <summary>True when the wait came from <see cref="AwaitAll"/>.</summary>
    public bool IsMulti => _multiKeys is not null;

    /// <summary>The request's keys in the order given (built on demand for a single key).</summary>
    public IReadOnlyList<object> Keys => _multiKeys ?? new[] { Entry.Key };

    public int NodeCount => OtherNodes is null ? 1 : OtherNodes.Length + 1;

    public WaitNode NodeAt(int i) => i == 0 ? this : OtherNodes![i - 1];

    /// <summary>True when this wait is first in line for every key and every key is free.</summary>
    public bool IsGrantable
    {
        get
        {
            for (var i = 0; i < NodeCount; i++)
            {
                var node = NodeAt(i);
                if (!node.Entry.IsFree || !ReferenceEquals(node.Entry.Head, node))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>An actor the table knows of because it holds keys or waits for some. Watched while it exists.</summary>
internal sealed class Party(IActorRef actor)
{
    public readonly IActorRef Actor = actor;

    /// <summary>The entries this party holds (linked through <see cref="KeyEntry.HeldNext"/>).</summary>
    public KeyEntry? FirstHeld;

    public int HeldCount;

    /// <summary>This party's pending waits, oldest first.</summary>
    public Wait? FirstWait, LastWait;

    public int WaitCount;

    public bool IsEmpty => HeldCount == 0 && WaitCount == 0;

    public void Hold(KeyEntry entry)
    {
        entry.Holder = this;
        entry.HeldPrev = null;
        entry.HeldNext = FirstHeld;
        if (FirstHeld is not null)
        {
            FirstHeld.HeldPrev = entry;
        }

        FirstHeld = entry;
        HeldCount++;
    }

    /// <summary>Frees an entry this party holds.</summary>
    public void Unhold(KeyEntry entry)
    {
        if (entry.HeldPrev is null)
        {
            FirstHeld = entry.HeldNext;
        }
        else
        {
            entry.HeldPrev.HeldNext = entry.HeldNext;
        }

        if (entry.HeldNext is not null)
        {
            entry.HeldNext.HeldPrev = entry.HeldPrev;
        }

        entry.HeldPrev = entry.HeldNext = null;
        entry.Holder = null;
        entry.MultiKeys = null;
        HeldCount--;
    }

    public void AddWait(Wait wait)
    {
        wait.OwnerPrev = LastWait;
        wait.OwnerNext = null;
        if (LastWait is null)
        {
            FirstWait = wait;
        }
        else
        {
            LastWait.OwnerNext = wait;
        }

        LastWait = wait;
        WaitCount++;
    }

    public void RemoveWait(Wait wait)
    {
        if (wait.OwnerPrev is null)
        {
            FirstWait = wait.OwnerNext;
        }
        else
        {
            wait.OwnerPrev.OwnerNext = wait.OwnerNext;
        }

        if (wait.OwnerNext is null)
        {
            LastWait = wait.OwnerPrev;
        }
        else
        {
            wait.OwnerNext.OwnerPrev = wait.OwnerPrev;
        }

        wait.OwnerPrev = wait.OwnerNext = null;
        WaitCount--;
    }
}

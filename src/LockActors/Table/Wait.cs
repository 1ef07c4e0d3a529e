using Akka.Actor;

namespace LockActors.Table;

/// <summary>A wait's place in one key's queue.</summary>
internal abstract class WaitNode(KeyEntry entry)
{
    /// <summary>The key whose queue the node is in.</summary>
    public readonly KeyEntry Entry = entry;

    /// <summary>Links in the key's queue (<see cref="KeyEntry.Queue"/>).</summary>
    public Links<WaitNode> QueueLinks;

    /// <summary>The wait this node places in line.</summary>
    public abstract Wait Request { get; }

    /// <summary>Where a node keeps its links in its key's queue.</summary>
    public abstract class InQueue : ILinksOf<WaitNode>
    {
        public static ref Links<WaitNode> Of(WaitNode item) => ref item.QueueLinks;
    }
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

    public Wait(Party owner, IActorRef? replyTo, ReadOnlySpan<KeyEntry> entries, IReadOnlyList<object> keys, bool isMulti, in LockTerms terms, long deadline, long since = 0)
        : base(entries[0])
    {
        Owner = owner;
        ReplyTo = replyTo;
        Since = since;
        _details = WaitDetails.For(terms, isMulti ? keys : null, entries.Length - 1, timed: deadline != LockTable.Never);
        for (var i = 1; i < entries.Length; i++)
        {
            _details.OtherNodes![i - 1] = new ExtraWaitNode(this, entries[i]);
        }
    }

    public override Wait Request => this;

    public readonly Party Owner;
    public readonly IActorRef? ReplyTo;

    /// <summary>When the wait was queued, on the table's clock (<see cref="DeadlineClock"/>, milliseconds).</summary>
    public readonly long Since;

    /// <summary>Who waits, in words (<see cref="LockOptions.Label"/>); null for none.</summary>
    public string? Label => _details.Label;

    /// <summary>True when the wait has a deadline, so it is in the table's deadline heap.</summary>
    public bool IsTimed => _details.IsTimed;

    public int Permits => _details.Permits;

    public int Priority => _details.Priority;

    public LockMode Mode => _details.Mode;

    /// <summary>False once the wait was granted, timed out, refused or withdrawn (it left its owner's list).</summary>
    public bool Pending => OwnerLinks.Next is not null;

    /// <summary>Links in the owner's list of waits (<see cref="Party.Waits"/>).</summary>
    public Links<Wait> OwnerLinks;

    /// <summary>True when the wait came from <see cref="AwaitAll"/>.</summary>
    public bool IsMulti => _details.MultiKeys is not null;

    /// <summary>The request's keys in the order given (built on demand for a single key).</summary>
    public IReadOnlyList<object> Keys => _details.MultiKeys ?? new object[] { Entry.Key };

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

    /// <summary>Where a wait keeps its links in its owner's list.</summary>
    public abstract class InOwnerList : ILinksOf<Wait>
    {
        public static ref Links<Wait> Of(Wait item) => ref item.OwnerLinks;
    }
}

/// <summary>
/// A wait's terms and label, whether it has a deadline, and for an <see cref="AwaitAll"/> its keys and further
/// queue nodes. Every plain wait (one key, exclusive, one permit, default priority, no label) shares one of two
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
        Label = terms.Label;
        IsTimed = timed;
        MultiKeys = multiKeys;
        OtherNodes = otherNodes > 0 ? new ExtraWaitNode[otherNodes] : null;
    }

    /// <summary>The details of a new wait: a shared instance for a plain wait, else a new one.</summary>
    public static WaitDetails For(in LockTerms terms, IReadOnlyList<object>? multiKeys, int otherNodes, bool timed) =>
        multiKeys is null && otherNodes == 0 && terms is { Mode: LockMode.Exclusive, Permits: 1, Priority: 0, Label: null }
            ? (timed ? PlainTimed : PlainUntimed)
            : new WaitDetails(terms, multiKeys, otherNodes, timed);

    public readonly int Permits;
    public readonly int Priority;
    public readonly LockMode Mode;

    /// <summary>Who waits, in words (<see cref="LockOptions.Label"/>); null for none.</summary>
    public readonly string? Label;

    /// <summary>True when the wait has a deadline (the deadline itself is kept only in the table's heap).</summary>
    public readonly bool IsTimed;

    /// <summary>The keys of an <see cref="AwaitAll"/>, or null for an <see cref="Await"/>.</summary>
    public readonly IReadOnlyList<object>? MultiKeys;

    /// <summary>The nodes for the keys after the first (filled in by the wait); null for a single key.</summary>
    public readonly ExtraWaitNode[]? OtherNodes;
}

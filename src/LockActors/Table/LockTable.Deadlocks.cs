using System.Text;
using Akka.Actor;

namespace LockActors.Table;

// Deadlock detection between owners: a wait about to be queued is refused when it would close a
// cycle of owners each waiting for a key the next one holds.
internal sealed partial class LockTable
{
    // The owners reached by the current search, each with the owner and key it was reached from;
    // and the owners still to visit. Kept between searches, so a search allocates nothing once warm.
    private Dictionary<Party, (Party From, KeyEntry Via)>? _reached;
    private Stack<Party>? _toVisit;

    /// <summary>
    /// Refuses a wait about to be queued when it would close a deadlock, and says so; nothing changes.
    /// </summary>
    /// <returns>True when the wait was refused.</returns>
    /// <remarks>
    /// <para>The wait-for graph follows holders only. A wait is blocked by a holder of one of its keys
    /// when that holding alone keeps the wait out: on a lock, an exclusive holder, or a shared holder
    /// of a key the wait asks for exclusively; on a semaphore, a holder whose permits and the wait's
    /// together exceed the capacity. Such a holder must release before the wait can ever be granted,
    /// so a cycle of these edges is a real deadlock and never a false alarm. A wait kept out only by
    /// waits ahead of it in a queue, or only by several holders together (a semaphore whose permits
    /// any one of them could free), is not followed: queue order alone cannot deadlock, as every
    /// queue follows one order of all waits, and such cycles still end when a wait times out.</para>
    /// <para>Cost: nothing unless the requester holds a key and some holder blocking it has waits of
    /// its own; then the owners reachable from the new wait through blocking holders and their
    /// pending waits, each visited once.</para>
    /// </remarks>
    /// <param name="requester">The owner of the new wait, or null when the table does not know it yet.</param>
    /// <param name="replyTo">Where the refusal goes.</param>
    /// <param name="keys">The request's keys for the refusal; null for a single key, the one entry's.</param>
    /// <param name="entries">The entries of the request's keys; null for a key not in use.</param>
    /// <param name="terms">The request's terms.</param>
    private bool RefusedAsDeadlock(Party? requester, IActorRef? replyTo, IReadOnlyList<object>? keys, ReadOnlySpan<KeyEntry?> entries, in LockTerms terms)
    {
        // Only an owner that holds something can be waited for, so only then can it close a cycle.
        if (requester is null || requester.Held.IsEmpty || !AnyBlockingHolderWaits(entries, terms))
        {
            return false;
        }

        var reached = _reached ??= new Dictionary<Party, (Party, KeyEntry)>();
        var toVisit = _toVisit ??= new Stack<Party>();
        try
        {
            foreach (var entry in entries)
            {
                if (entry is not null && Reach(entry, terms.Mode, terms.Permits, requester, requester, reached, toVisit) is { } closing)
                {
                    return RefuseDeadlock(requester, replyTo, keys ?? [entry.Key], closing, reached);
                }
            }

            while (toVisit.TryPop(out var party))
            {
                for (var wait = party.Waits.First; wait is not null; wait = party.Waits.Next(wait))
                {
                    for (var i = 0; i < wait.NodeCount; i++)
                    {
                        if (Reach(wait.NodeAt(i).Entry, wait.Mode, wait.Permits, party, requester, reached, toVisit) is { } closing)
                        {
                            return RefuseDeadlock(requester, replyTo, keys ?? [entries[0]!.Key], closing, reached);
                        }
                    }
                }
            }

            return false;
        }
        finally
        {
            reached.Clear();
            toVisit.Clear();
        }
    }

    /// <summary>True when some holder that blocks the new wait waits for something itself: only then can a cycle pass through it.</summary>
    private static bool AnyBlockingHolderWaits(ReadOnlySpan<KeyEntry?> entries, in LockTerms terms)
    {
        foreach (var entry in entries)
        {
            if (entry is null || entry.IsFree)
            {
                continue;
            }

            // A key with one holder, the common case, is checked without walking its holders.
            if (entry.Others is null)
            {
                if (!entry.Holder!.Waits.IsEmpty && Blocks(entry, terms.Mode, terms.Permits))
                {
                    return true;
                }

                continue;
            }

            foreach (var holding in entry.Holdings())
            {
                if (!holding.Holder!.Waits.IsEmpty && Blocks(holding, terms.Mode, terms.Permits))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Marks the holders of <paramref name="entry"/> that block a wait of <paramref name="from"/> as
    /// reached (to be visited when they have waits of their own).
    /// </summary>
    /// <returns>The edge that closes the cycle (the waiting owner and the key) when a blocking holder is <paramref name="requester"/>; else null.</returns>
    private static (Party From, KeyEntry Via)? Reach(KeyEntry entry, LockMode mode, int permits, Party from, Party requester,
        Dictionary<Party, (Party, KeyEntry)> reached, Stack<Party> toVisit)
    {
        if (entry.IsFree)
        {
            return null;
        }

        foreach (var holding in entry.Holdings())
        {
            var holder = holding.Holder!;
            if (!Blocks(holding, mode, permits))
            {
                continue;
            }

            if (holder == requester)
            {
                return (from, entry);
            }

            if (!holder.Waits.IsEmpty && reached.TryAdd(holder, (from, entry)))
            {
                toVisit.Push(holder);
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="holding"/> alone keeps a wait for <paramref name="permits"/> in <paramref name="mode"/> out of its key.</summary>
    private static bool Blocks(Holding holding, LockMode mode, int permits)
    {
        var entry = holding.Entry;
        return entry.Capacity == 1
            ? mode == LockMode.Exclusive || holding.Mode == LockMode.Exclusive
            : holding.Permits + permits > entry.Capacity;
    }

    /// <summary>Refuses the new wait with <see cref="RefusalReason.Deadlock"/>, naming the cycle from the requester round to itself.</summary>
    private bool RefuseDeadlock(Party requester, IActorRef? replyTo, IReadOnlyList<object> keys, (Party From, KeyEntry Via) closing,
        Dictionary<Party, (Party From, KeyEntry Via)> reached)
    {
        // Walk back from the edge that reaches the requester to the new wait's own edge.
        var edges = new List<(Party Waiter, KeyEntry Key, Party Holder)> { (closing.From, closing.Via, requester) };
        var holder = closing.From;
        while (holder != requester)
        {
            var (from, via) = reached[holder];
            edges.Add((from, via, holder));
            holder = from;
        }

        edges.Reverse();
        var cycle = new StringBuilder();
        foreach (var (waiter, key, held) in edges)
        {
            cycle.Append(cycle.Length == 0 ? "" : ", ")
                .Append(waiter.Actor.Path).Append(" waits for ").Append(KeyText.Of(key.Key))
                .Append(" held by ").Append(held.Actor.Path);
        }

        Refuse(replyTo, edges[0].Key.Key, RefusalReason.Deadlock,
            $"The wait of {requester.Actor.Path} for {KeyText.OfAll(keys)} was refused: it would close a deadlock: {cycle}.");
        return true;
    }
}

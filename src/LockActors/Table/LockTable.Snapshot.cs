using LockActors.Table.Events;

namespace LockActors.Table;

// Snapshots: the whole state as plain values, and its restoration into an empty table.
internal sealed partial class LockTable
{
    /// <summary>
    /// The whole state as a <see cref="LockTableSnapshot"/> (walks the table). Waits are listed in an
    /// order consistent with each owner's waits and, within a priority, with each key's queue, so
    /// queueing them in that order rebuilds every queue as it is.
    /// </summary>
    public LockTableSnapshot TakeSnapshot()
    {
        var holdings = new List<HeldKey>();
        foreach (var party in _parties.Values)
        {
            for (var holding = party.Held.Last; holding is not null; holding = party.Held.Prev(holding))
            {
                var entry = holding.Entry;
                holdings.Add(new HeldKey(party.Actor, entry.Key, entry.Capacity, holding.Token, holding.Mode, holding.Permits, holding.MultiKeys, holding.Label));
            }
        }

        var deadlines = _deadlines.Pending().ToDictionary(x => x.Wait, x => x.Deadline);
        var waits = WaitsInArrivalOrder().Select(w => QueuedEvent(w, deadlines.TryGetValue(w, out var d) ? d : Never)).ToList();
        return new LockTableSnapshot(_lastToken, holdings, waits);
    }

    /// <summary>Restores a snapshot into this table, which must be empty; nothing is sent or watched.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <exception cref="InvalidOperationException">The table is not empty.</exception>
    public void Restore(LockTableSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_keys.Count > 0 || _parties.Count > 0)
        {
            throw new InvalidOperationException("A snapshot is restored only into an empty lock table.");
        }

        foreach (var held in snapshot.Holdings)
        {
            ReplayParty(held.Owner).Hold(ReplayEntry(held.Key, held.Capacity), held.FencingToken, held.GrantKeys, held.Mode, held.Permits, held.Label);
        }

        foreach (var wait in snapshot.Waits)
        {
            Apply(wait);
        }

        _lastToken = Math.Max(_lastToken, snapshot.LastToken);
    }

    /// <summary>
    /// Every pending wait, each after the earlier waits of its owner and after the waits of the same
    /// priority ahead of it in each of its queues (a topological order of those constraints, which
    /// arrival order satisfies, so there is always one).
    /// </summary>
    private List<Wait> WaitsInArrivalOrder()
    {
        var before = new Dictionary<Wait, int>();
        var after = new Dictionary<Wait, List<Wait>>();
        void Edge(Wait first, Wait then)
        {
            before[then] = before.GetValueOrDefault(then) + 1;
            if (!after.TryGetValue(first, out var list))
            {
                after[first] = list = [];
            }

            list.Add(then);
        }

        var all = new List<Wait>();
        foreach (var party in _parties.Values)
        {
            for (var wait = party.Waits.First; wait is not null; wait = party.Waits.Next(wait))
            {
                all.Add(wait);
                if (party.Waits.Next(wait) is { } next)
                {
                    Edge(wait, next);
                }
            }
        }

        foreach (var entry in _keys.Values)
        {
            for (var node = entry.Head; node is not null; node = entry.Queue.Next(node))
            {
                if (entry.Queue.Next(node) is { } next && next.Request.Priority == node.Request.Priority)
                {
                    Edge(node.Request, next.Request);
                }
            }
        }

        var ready = new Queue<Wait>(all.Where(w => !before.ContainsKey(w)));
        var ordered = new List<Wait>(all.Count);
        while (ready.TryDequeue(out var wait))
        {
            ordered.Add(wait);
            foreach (var then in after.GetValueOrDefault(wait) ?? [])
            {
                if (--before[then] == 0)
                {
                    ready.Enqueue(then);
                }
            }
        }

        if (ordered.Count != all.Count)
        {
            throw new InvalidOperationException("The lock table's queues disagree on the order of their waits.");
        }

        return ordered;
    }
}

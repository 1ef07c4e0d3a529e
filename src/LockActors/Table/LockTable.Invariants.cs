using Akka.Actor;

namespace LockActors.Table;

internal sealed partial class LockTable
{
    /// <summary>
    /// Walks the whole table and throws if an invariant does not hold: owners and entries agree;
    /// permits held never exceed a key's capacity; an exclusive holder of a lock is alone and shared
    /// and exclusive holders never mix; queues are ordered by priority (arrival order within a
    /// priority is not recorded, so the property test checks it against its model); no first
    /// waiter could be granted; every party holds or waits for something. O(size of the table): for
    /// tests only.
    /// </summary>
    public void CheckInvariants()
    {
        var holdings = 0;
        var spares = new HashSet<KeyEntry>(_keys.Spares);
        foreach (var spare in spares)
        {
            Check(spare.IsIdle && spare.Holder is null && spare.MultiKeys is null, "an entry kept for reuse is still in use");
        }

        foreach (var (filed, entry) in _keys)
        {
            var k = KeyText.Of(filed.Key);
            Check(!spares.Contains(entry), $"entry for {k} is in the table and kept as a spare");
            Check(ReferenceEquals(entry.Key, filed.Key) && entry.Hash == filed.Hash, $"entry for {k} is filed under another key");
            Check(!entry.IsIdle, $"key {k} is neither held nor waited for but still in the table");
            Check(entry.Capacity >= 1, $"key {k} has capacity {entry.Capacity}");
            var permits = 0;
            var holders = new HashSet<Party>();
            foreach (var holding in entry.Holdings())
            {
                holdings++;
                var holder = holding.Holder!;
                Check(holders.Add(holder), $"{holder.Actor} holds key {k} twice");
                Check(_parties.TryGetValue(holder.Actor, out var p) && p == holder, $"owner of {k} is not a known party");
                Check(holding.Token > 0 && holding.Token <= _lastToken, $"key {k} is held under token {holding.Token}, which was never handed out");
                Check(holding.MultiKeys is null || (holding.MultiKeys.Any(key => ReferenceEquals(key, entry.Key)) || holding.MultiKeys.Any(key => entry.Key.Equals(key))), $"key {k} is not among the keys of its multi-key grant");
                Check(holding.Permits >= 1 && (holding.Mode == LockMode.Exclusive || holding.Permits == 1), $"a holder of {k} holds {holding.Permits} permits in mode {holding.Mode}");
                Check(holding.Entry == entry, $"a holding of {k} points to another key");
                permits += holding.Permits;
            }

            if (entry.Others is not null)
            {
                foreach (var (party, extra) in entry.Others)
                {
                    Check(extra.Holder == party, $"an extra holding of {k} is filed under another owner");
                }
            }

            Check(permits == entry.PermitsHeld, $"key {k} counts {entry.PermitsHeld} permits held but its holders hold {permits}");
            Check(entry.HeldMode == LockMode.Shared ? entry.Capacity == 1 : permits <= entry.Capacity,
                $"key {k} of capacity {entry.Capacity} is held {entry.HeldMode} with {permits} permits");

            CheckLinked(entry.Queue, $"queue of {k}");
            Wait? last = null;
            for (var node = entry.Head; node is not null; node = entry.Queue.Next(node))
            {
                var wait = node.Request;
                Check(wait.Pending, $"queue of {k} holds a settled wait");
                Check(last is null || last.Priority >= wait.Priority, $"queue of {k} is not in priority order");
                Check(node.Entry == entry, $"a node in the queue of {k} points to another key");
                Check(entry.HoldingOf(wait.Owner) is null, $"an owner of {k} waits for it");
                Check(wait.Permits <= entry.Capacity && (wait.Mode == LockMode.Exclusive || entry.Capacity == 1),
                    $"a wait for {k} asks for what its capacity {entry.Capacity} can never give");
                last = wait;
            }

            if (entry.Head is not null)
            {
                Check(!entry.Head.Request.IsGrantable, $"first waiter for {k} could take it but waits");
            }
        }

        Check(_idle.Count <= _settings.MaxIdleOwnersWatched, $"{_idle.Count} idle owners kept watched, more than {_settings.MaxIdleOwnersWatched}");
        Check(_idle.All().All(p => _parties.TryGetValue(p.Actor, out var filed) && filed == p && p.IsIdle),
            "an idle owner is not filed as a party");
        Check(_idle.All().Count() == _idle.Count, "the idle owners are counted wrong");
        Check(_idle.Count == 0 || _idle.Sweeping, "idle owners are kept watched but no sweep is running");

        var listed = 0;
        foreach (var (actor, party) in _parties)
        {
            Check(party.Actor.Equals(actor), $"party {actor} is filed under another actor");
            var idle = party.IsIdle;
            Check(party.IsEmpty == idle, idle
                ? $"idle party {actor} holds or waits for something"
                : $"party {actor} holds and waits for nothing but is still watched and not among the idle owners");
            var held = 0;
            CheckLinked(party.Held, $"the held keys of {actor}");
            for (var holding = party.Held.First; holding is not null; holding = party.Held.Next(holding))
            {
                held++;
                var entry = holding.Entry;
                Check(holding.Holder == party && entry.HoldingOf(party) == holding && _keys.TryGetValue(entry.Filed, out var e) && e == entry,
                    $"party {actor} lists key {KeyText.Of(entry.Key)} that it does not hold");
            }

            listed += held;

            CheckLinked(party.Waits, $"the waits of {actor}");
            for (var wait = party.Waits.First; wait is not null; wait = party.Waits.Next(wait))
            {
                Check(wait.Pending && wait.Owner == party, $"party {actor} lists a settled or foreign wait");
                for (var i = 0; i < wait.NodeCount; i++)
                {
                    var node = wait.NodeAt(i);
                    var linked = false;
                    for (var n = node.Entry.Head; n is not null && !linked; n = node.Entry.Queue.Next(n))
                    {
                        linked = n == node;
                    }

                    Check(linked && _keys.TryGetValue(node.Entry.Filed, out var e) && e == node.Entry,
                        $"a wait of {actor} is missing from the queue of {KeyText.Of(node.Entry.Key)}");
                }
            }
        }

        Check(holdings == listed, "some holding is missing from its owner's list");
        Check(_dirty.Count == 0, "keys are left unsettled after an operation");
    }

    /// <summary>Checks that every item of a list links back to the one before it and that the list's last item is the last reached.</summary>
    private static void CheckLinked<T, TLinks>(in IntrusiveList<T, TLinks> list, string name)
        where T : class
        where TLinks : ILinksOf<T>
    {
        T? previous = null;
        for (var item = list.First; item is not null; item = list.Next(item))
        {
            Check(ReferenceEquals(list.Prev(item), previous) && IntrusiveList<T, TLinks>.IsListed(item), $"{name} is badly linked");
            previous = item;
        }

        Check(ReferenceEquals(list.Last, previous), $"{name} has a wrong last item");
    }

    private static void Check(bool condition, string violation)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Lock table invariant violated: " + violation);
        }
    }
}

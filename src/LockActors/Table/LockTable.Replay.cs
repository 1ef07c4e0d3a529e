using System.Runtime.InteropServices;
using Akka.Actor;
using LockActors.Table.Events;

namespace LockActors.Table;

// Replay: rebuild the state from recorded events or a snapshot, with no effect but the wake-up for
// the earliest deadline: no reply, no watch, no grant decided here (grants are events of their own).
internal sealed partial class LockTable
{
    /// <summary>
    /// Applies one recorded state change: the table changes as it did when the event was recorded,
    /// and nothing is sent or watched (call <see cref="Owners"/> afterwards to watch the owners).
    /// </summary>
    /// <param name="change">The event, recorded by a table in the state this one is in now.</param>
    /// <exception cref="InvalidOperationException">The event does not fit the state (a journal out of order or of another table); the table may then be partly changed.</exception>
    public void Apply(LockTableEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var sink = _events;
        _events = null;
        try
        {
            switch (change)
            {
                case LockGranted g:
                    ApplyGranted(g);
                    break;
                case LockReleased r:
                    ApplyReleased(r);
                    break;
                case GrantGivenAway t:
                    ApplyTransferred(t);
                    break;
                case OwnerGone o:
                    ApplyOwnerGone(o);
                    break;
                case WaitQueued q:
                    ApplyQueued(q);
                    break;
                case WaitEnded w:
                    ApplyEnded(w);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown lock table event {change.GetType().Name}.");
            }

            DropIdleEntries();
        }
        finally
        {
            _events = sink;
        }
    }

    /// <summary>The owners that hold or wait for something, each once: those a recovered manager must watch.</summary>
    public IReadOnlyList<IActorRef> Owners() =>
        _parties.Values.Where(p => !p.IsEmpty).Select(p => p.Actor).ToList();

    /// <summary>Forgets the owners kept only because they were idle a moment ago, without unwatching them (a replayed table never watched them).</summary>
    public void ForgetIdleOwners()
    {
        foreach (var idle in _idle.All().ToList())
        {
            Drop(idle, unwatch: false);
        }
    }

    private void ApplyGranted(LockGranted g)
    {
        var party = ReplayParty(g.Owner);
        foreach (var key in g.Keys)
        {
            party.Hold(ReplayEntry(key, g.Capacity), g.FencingToken, g.IsMulti ? g.Keys : null, g.Mode, g.Permits, g.Label);
        }

        _lastToken = Math.Max(_lastToken, g.FencingToken);
    }

    private void ApplyReleased(LockReleased r)
    {
        var party = RequireParty(r.Owner);
        foreach (var key in r.Keys)
        {
            FreeHolding(party, RequireHolding(party, key));
        }

        Forget(party);
    }

    private void ApplyTransferred(GrantGivenAway t)
    {
        var giver = RequireParty(t.From);
        var heir = ReplayParty(t.To);
        foreach (var key in t.Keys)
        {
            var holding = RequireHolding(giver, key);
            var entry = holding.Entry;
            giver.Unhold(holding);
            heir.Hold(entry, t.FencingToken, t.IsMulti ? t.Keys : null, t.Mode, t.Permits);
        }

        Forget(giver);
        _lastToken = Math.Max(_lastToken, t.FencingToken);
    }

    private void ApplyOwnerGone(OwnerGone o)
    {
        // An owner that held and waited for nothing may be known to the live table (kept watched
        // while idle) and not to this one: then there is nothing to clear.
        if (FindParty(o.Owner) is not { } party)
        {
            return;
        }

        for (var wait = party.Waits.First; wait is not null;)
        {
            var next = party.Waits.Next(wait);
            Withdraw(wait);
            wait = next;
        }

        while (party.Held.First is { } holding)
        {
            FreeHolding(party, holding);
        }

        Forget(party, dead: o.Terminated);
    }

    private void ApplyQueued(WaitQueued q)
    {
        if (q.Keys.Count == 0)
        {
            throw new InvalidOperationException($"A recorded wait of {q.Owner} names no key.");
        }

        var party = ReplayParty(q.Owner);
        var entries = new KeyEntry[q.Keys.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = ReplayEntry(q.Keys[i], q.Capacity);
        }

        var terms = new LockTerms(q.Mode, q.Permits, q.Capacity, q.Priority, q.Label);
        var since = q.QueuedUtcTicks == 0 ? 0 : Anchor.ToTableMs(q.QueuedUtcTicks);
        Enqueue(party, q.ReplyTo, q.IsMulti ? q.Keys : [], q.IsMulti, entries, terms, Anchor.ToTableMs(q.DeadlineUtcTicks), since);
    }

    private void ApplyEnded(WaitEnded w)
    {
        var entry = RequireEntry(w.FirstKey);
        var node = entry.Head;
        for (var i = 0; i < w.Position && node is not null; i++)
        {
            node = entry.Queue.Next(node);
        }

        if (node is not Wait wait || !wait.Owner.Actor.Equals(w.Owner))
        {
            throw new InvalidOperationException(
                $"No wait of {w.Owner} starts at place {w.Position} in the queue of key {KeyText.Of(w.FirstKey)}.");
        }

        Withdraw(wait);
        if (w.Reason != WaitEndReason.Granted)
        {
            Forget(wait.Owner);
        }
    }

    /// <summary>The party of an actor, filed now without a watch if the table did not know it; no longer idle.</summary>
    private Party ReplayParty(IActorRef actor)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_parties, actor, out var known);
        return known ? Rejoin(slot!) : slot = new Party(actor);
    }

    /// <summary>The entry of a key, filed now with <paramref name="capacity"/> if the key was not in use.</summary>
    private KeyEntry ReplayEntry(object key, int capacity)
    {
        var filed = FiledKey.Of(key);
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, filed, out var inUse);
        return inUse ? slot! : slot = new KeyEntry(filed, capacity);
    }

    private Party RequireParty(IActorRef actor) =>
        FindParty(actor) ?? throw new InvalidOperationException($"A recorded event names {actor}, which holds and waits for nothing.");

    private KeyEntry RequireEntry(object key) =>
        _keys.TryGetValue(FiledKey.Of(key), out var entry)
            ? entry
            : throw new InvalidOperationException($"A recorded event names key {KeyText.Of(key)}, which is not in use.");

    private Holding RequireHolding(Party party, object key) =>
        RequireEntry(key).HoldingOf(party)
        ?? throw new InvalidOperationException($"A recorded event releases key {KeyText.Of(key)} of {party.Actor}, which does not hold it.");

    /// <summary>Takes out the entries a replayed change left neither held nor waited for.</summary>
    private void DropIdleEntries()
    {
        while (_dirty.TryDequeue(out var entry))
        {
            if (entry.IsIdle)
            {
                _keys.Remove(entry.Filed);
            }
        }

        _deadlines.CompactIfMostlySettled();
    }
}

using Akka.Actor;
using LockActors.Table.Events;

namespace LockActors.Table;

/// <summary>
/// The lock manager's state and every operation on it, with no actor code: each operation
/// updates the table in place and reports what must happen outside (replies, watches, the next
/// timeout) through <see cref="ILockEffects"/>.
/// </summary>
/// <remarks>
/// <para>Representation: key (filed with its hash code, see <see cref="FiledKey"/>) →
/// <see cref="KeyEntry"/> (its holders, capacity, and queue of <see cref="WaitNode"/>s); actor →
/// <see cref="Party"/> (its holdings, its pending waits); the deadlines of timed waits
/// (<see cref="DeadlineSchedule"/>); the owners kept watched while idle (<see cref="IdleOwners"/>).
/// Every list is an <see cref="IntrusiveList{T, TLinks}"/>. The first holder of a key lives in the
/// entry itself, later ones (shared or semaphore holders) in <see cref="KeyEntry.Others"/>. A wait
/// is linked into the queue of each of its keys, so withdrawing it costs O(its keys).</para>
/// <para>User code (a key's GetHashCode, Equals and ToString, a reference's watch) is called
/// before an operation changes anything, or the change is completed regardless: an exception from
/// it leaves the table as it was.</para>
/// <para>Queue discipline: each key's queue is ordered by priority (higher first), then arrival.
/// A key admits a request when it is free; or when both the holders and the request are shared;
/// or when both are exclusive and the permits held plus the permits asked fit in the capacity
/// (a lock has capacity 1, so an exclusive holder of a lock is alone). A wait is granted when it
/// is first in line for every one of its keys and every one of them admits it. After a grant
/// the next in line is checked at once, so consecutive shared waiters are granted together and
/// semaphore waiters while permits last; a request that does not fit blocks those behind it
/// (a writer is never overtaken by later readers, a large semaphore request never by later
/// small ones). Every queue is sorted by the same order over all waits, so the first pending
/// wait in that order is first in every queue it is in and waits only for holders to leave:
/// <see cref="LockActors.AwaitAll"/> is deadlock-free, and no wait starves except behind an
/// endless stream of higher priorities. A request is granted on arrival only if it would be
/// first in line everywhere and admitted; a <see cref="LockActors.TryLock"/> never overtakes anyone.</para>
/// <para>Files: this one holds the state and the grant engine; <c>.Requests</c> the owners'
/// requests, <c>.Deadlocks</c> the refusal of waits that would close a cycle of owners,
/// <c>.Queries</c> the read-only ones, <c>.Owners</c> the parties' lifecycle,
/// <c>.Validation</c> the checks of input, <c>.Invariants</c> the consistency check for tests.</para>
/// <para>Cost: every operation is O(1) or O(keys of the request), plus O(waits of that owner)
/// where an owner's own waits must be checked, plus O(waits overtaken) when a priority wait
/// jumps a queue. <see cref="Inspect"/>, <see cref="DropAll"/> and forwarding to the holders of
/// a shared key walk a queue, the holders or the whole table.</para>
/// </remarks>
internal sealed partial class LockTable
{
    /// <summary>The deadline of a wait that never times out.</summary>
    public const long Never = DeadlineSchedule.Never;

    // Key → its entry, for every key held or waited for.
    private readonly Dictionary<FiledKey, KeyEntry> _keys = new(FiledKeyComparer.Instance);

    // Actor → its party, for every actor that holds, waits, or is kept watched while idle; hashed
    // through an ActorRefComparer, which remembers the hash of each reference object it sees.
    private readonly Dictionary<IActorRef, Party> _parties = new(new ActorRefComparer());

    // The deadlines of timed waits and the wake-up asked for.
    private readonly DeadlineSchedule _deadlines;

    // Keys freed or whose first waiter left since the last settle: only these can grant a wait.
    private readonly Queue<KeyEntry> _dirty = new();

    // Owners that hold and wait for nothing but stay watched for a while.
    private readonly IdleOwners _idle;

    // Where replies, watches and wake-ups go.
    private readonly ILockEffects _fx;

    // Validated settings: limits, default timeouts, the metadata put in every grant.
    private readonly LockManagerSettings _settings;

    // The last fencing token handed out.
    private long _lastToken;

    /// <summary>Creates an empty table.</summary>
    /// <param name="settings">Validated settings.</param>
    /// <param name="effects">Where effects go.</param>
    /// <param name="lastToken">The fencing token to count up from (the first grant gets <c>lastToken + 1</c>).</param>
    /// <param name="monitor">Where grants, busy answers, timeouts and ended holds are reported; null for nowhere.</param>
    public LockTable(LockManagerSettings settings, ILockEffects effects, long lastToken = 0, Diagnostics.LockMonitor? monitor = null)
    {
        _settings = settings;
        Monitor = monitor ?? Diagnostics.LockMonitor.Silent;
        _fx = effects;
        _lastToken = lastToken;
        _deadlines = new DeadlineSchedule(effects);
        _idle = new IdleOwners(settings, effects);
    }

    /// <summary>Number of keys that are held or waited for.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>Number of actors that hold or wait for something (each watched once).</summary>
    public int PartyCount => _parties.Count - _idle.Count;

    /// <summary>Owners that hold and wait for nothing but are still watched (see <see cref="LockManagerSettings.IdleOwnerWatchTime"/>).</summary>
    public int IdleOwnerCount => _idle.Count;

    /// <summary>The last fencing token handed out.</summary>
    public long LastToken => _lastToken;

    /// <summary>Times out every wait whose deadline is at or before <paramref name="now"/>, then asks to be woken for the next one.</summary>
    public void ExpireDue(long now)
    {
        while (_deadlines.TryPeekDue(now, out var wait))
        {
            if (wait.Pending)
            {
                _events?.Record(EndedEvent(wait, WaitEndReason.TimedOut));
                Withdraw(wait);
                Forget(wait.Owner);
                var keys = wait.Keys;
                Monitor.TimedOut(wait.Owner.Actor, keys, wait.Label, wait.Since, now);
                _fx.Send(wait.ReplyTo, new LockTimedOut(keys));
            }

            // Every wait leaves the heap settled, whether it settled earlier or just now.
            _deadlines.RemoveEarliest();
        }

        Settle();
        _deadlines.Rearm();
    }

    /// <summary>
    /// Enlists the owner of a request for a key whose slot was just reserved (and is still empty).
    /// The watch calls the reference's own code; should it throw, the slot is taken out again by
    /// identity, so the table is as it was.
    /// </summary>
    private Party EnlistForReservedKey(IActorRef owner, FiledKey reserved)
    {
        try
        {
            return Enlist(owner);
        }
        catch (Exception)
        {
            _keys.Remove(new FiledKey(reserved.Key, reserved.Hash, byIdentity: true));
            throw;
        }
    }

    /// <summary>
    /// The entries of a request's keys: those found, and new ones filed for the rest. Should filing
    /// one throw, those filed before it are taken out again and the owner let go, so the table is as
    /// it was.
    /// </summary>
    private KeyEntry[] ResolveEntries(FiledKey[] keys, KeyEntry?[] found, int capacity, Party owner)
    {
        var resolved = new KeyEntry[keys.Length];
        var i = 0;
        try
        {
            for (; i < keys.Length; i++)
            {
                if (found[i] is { } existing)
                {
                    resolved[i] = existing;
                    continue;
                }

                var entry = new KeyEntry(keys[i], capacity);
                _keys.Add(keys[i], entry);
                resolved[i] = entry;
            }
        }
        catch (Exception)
        {
            for (var j = 0; j < i; j++)
            {
                if (found[j] is null)
                {
                    _keys.Remove(resolved[j].Filed);
                }
            }

            Forget(owner);
            throw;
        }

        return resolved;
    }

    /// <summary>
    /// Grants keys that admit the request and that nobody of the same or a higher priority waits
    /// for. Only holders are added and no queue changes, so nothing else becomes grantable. A
    /// priority request may be granted past the owner's own lower-priority waits on these keys:
    /// those can never be granted now and are refused as self-deadlocks (which may free a queue's
    /// first place, hence the settle).
    /// </summary>
    private void GrantNow(Party party, IActorRef owner, IActorRef? replyTo, IReadOnlyList<object> keys, bool isMulti, ReadOnlySpan<KeyEntry> entries, in LockTerms terms)
    {
        var grant = NextGrant(owner, keys, isMulti, terms.Mode, terms.Permits);
        var grantedAt = Monitor.GrantTime();
        foreach (var entry in entries)
        {
            Hold(party, entry, grant, terms.Label, grantedAt);
        }

        _events?.Record(GrantedEvent(grant, entries[0].Capacity, terms.Label));
        Monitor.Granted(grant, terms.Label, queuedAt: null);
        _fx.Send(replyTo, new LockAcquired(grant));
        if (!party.Waits.IsEmpty)
        {
            RefuseSelfDeadlocks(party);
            Settle();
        }
    }

    /// <summary>True when a request with <paramref name="terms"/> would be first in line for <paramref name="entry"/> and the key admits it.</summary>
    private static bool CanGrantNow(KeyEntry entry, in LockTerms terms) =>
        (entry.Head is null || entry.Head.Request.Priority < terms.Priority) && entry.Admits(terms.Mode, terms.Permits);

    /// <summary>A new grant with the next fencing token.</summary>
    private LockGrant NextGrant(IActorRef owner, IReadOnlyList<object> keys, bool isMulti, LockMode mode, int permits) =>
        MakeGrant(keys, isMulti, owner, ++_lastToken, mode, permits);

    private LockGrant MakeGrant(IReadOnlyList<object> keys, bool isMulti, IActorRef owner, long token, LockMode mode, int permits) =>
        new(keys, isMulti, owner, token, _settings.Metadata) { Mode = mode, Permits = permits };

    private static void Hold(Party owner, KeyEntry entry, LockGrant grant, string? label, long grantedAt) =>
        owner.Hold(entry, grant.FencingToken, grant.IsMulti ? grant.Keys : null, grant.Mode, grant.Permits, label, grantedAt);

    private void Enqueue(Party owner, IActorRef? replyTo, IReadOnlyList<object> keys, bool isMulti, ReadOnlySpan<KeyEntry> entries, in LockTerms terms, long deadline, long now)
    {
        var wait = new Wait(owner, replyTo, entries, keys, isMulti, terms, deadline, since: now);
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i].Enqueue(wait.NodeAt(i));
        }

        owner.Waits.AddLast(wait);
        _events?.Record(QueuedEvent(wait, deadline));
        _waitCount++;
        if (deadline != Never)
        {
            _deadlines.Add(wait, deadline);
        }

        // A wait queued here has some key where it is not first in line or not admitted, so there
        // is nothing to settle: it overtook only waits that were not grantable either.
    }

    /// <summary>Takes a wait out of every queue and its owner's list; marks its keys for a grant check.</summary>
    private void Withdraw(Wait wait)
    {
        for (var i = 0; i < wait.NodeCount; i++)
        {
            var node = wait.NodeAt(i);
            var wasHead = ReferenceEquals(node.Entry.Head, node);
            node.Entry.Unlink(node);
            if (wasHead)
            {
                _dirty.Enqueue(node.Entry);
            }
        }

        wait.Owner.Waits.Remove(wait);
        _waitCount--;
        if (wait.IsTimed)
        {
            _deadlines.Settled();
        }
    }

    private void FreeHolding(Party party, Holding holding)
    {
        Monitor.HoldEnded(holding);
        party.Unhold(holding);
        _dirty.Enqueue(holding.Entry);
    }

    /// <summary>
    /// Grants every wait that became grantable and drops idle entries. Only keys that were freed or
    /// whose first waiter left are checked, so the cost follows the change, not the table size.
    /// </summary>
    private void Settle()
    {
        while (_dirty.TryDequeue(out var entry))
        {
            if (entry.IsIdle)
            {
                // An entry can be queued here more than once; only the first visit removes it. It is
                // taken out by the hash code it was filed under, without asking the key again.
                _keys.Remove(entry.Filed);
                continue;
            }

            if (entry.Head?.Request is not { IsGrantable: true } wait)
            {
                continue;
            }

            // Withdrawing marks every key of the wait again, so the next in line is checked too:
            // shared waiters at the head of a queue are granted together, semaphore waiters while
            // permits last.
            _events?.Record(EndedEvent(wait, WaitEndReason.Granted));
            Withdraw(wait);
            var grant = NextGrant(wait.Owner.Actor, wait.Keys, wait.IsMulti, wait.Mode, wait.Permits);
            var grantedAt = Monitor.GrantTime();
            for (var i = 0; i < wait.NodeCount; i++)
            {
                Hold(wait.Owner, wait.NodeAt(i).Entry, grant, wait.Label, grantedAt);
            }

            _events?.Record(GrantedEvent(grant, wait.Entry.Capacity, wait.Label));
            Monitor.Granted(grant, wait.Label, wait.Since);
            _fx.Send(wait.ReplyTo, new LockAcquired(grant));
            RefuseSelfDeadlocks(wait.Owner);
        }

        _deadlines.CompactIfMostlySettled();
    }

    /// <summary>An owner's pending waits on keys it now holds can never be granted: refuse them.</summary>
    private void RefuseSelfDeadlocks(Party owner)
    {
        for (var wait = owner.Waits.First; wait is not null;)
        {
            var next = owner.Waits.Next(wait);
            for (var i = 0; i < wait.NodeCount; i++)
            {
                var node = wait.NodeAt(i);
                if (node.Entry.HoldingOf(owner) is not null)
                {
                    _events?.Record(EndedEvent(wait, WaitEndReason.Refused));
                    Withdraw(wait);
                    Refuse(wait.ReplyTo, node.Entry.Key, RefusalReason.SelfDeadlock,
                        $"The wait for {KeyText.OfAll(wait.Keys)} was refused: {owner.Actor.Path} now holds key {KeyText.Of(node.Entry.Key)}, waiting would deadlock.");
                    break;
                }
            }

            wait = next;
        }
    }
}

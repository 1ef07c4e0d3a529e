using System.Runtime.InteropServices;
using Akka.Actor;
using LockActors.Validation;

namespace LockActors.Table;

/// <summary>
/// The lock manager's state and every operation on it, with no actor code: each operation
/// updates the table in place and reports what must happen outside (replies, watches, the next
/// timeout) through <see cref="ILockEffects"/>.
/// </summary>
/// <remarks>
/// <para>Representation: key → <see cref="KeyEntry"/> (its holders, capacity, and queue of
/// <see cref="WaitNode"/>s); actor → <see cref="Party"/> (its holdings, its pending waits); a
/// heap of deadlines. The first holder of a key lives in the entry itself, later ones (shared or
/// semaphore holders) in <see cref="KeyEntry.Others"/>. A wait is linked into the queue of each of
/// its keys, so withdrawing it costs O(its keys).</para>
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
/// <para>Cost: every operation is O(1) or O(keys of the request), plus O(waits of that owner)
/// where an owner's own waits must be checked, plus O(waits overtaken) when a priority wait
/// jumps a queue. <see cref="Inspect"/>, <see cref="DropAll"/> and forwarding to the holders of
/// a shared key walk a queue, the holders or the whole table.</para>
/// </remarks>
internal sealed class LockTable
{
    /// <summary>The deadline of a wait that never times out.</summary>
    public const long Never = long.MaxValue;

    private readonly Dictionary<object, KeyEntry> _keys = new();
    private readonly ActorRefComparer _actors = new();
    private readonly Dictionary<IActorRef, Party> _parties;

    // Parties recently looked up, by their actor's uid; each is still filed in _parties (Drop clears
    // its slot). Saves the dictionary lookup when the same reference object comes back.
    private const int RecentPartySlots = 256;
    private readonly Party?[] _recentParties = new Party?[RecentPartySlots];
    private readonly PriorityQueue<Wait, long> _deadlines = new();
    private readonly Queue<KeyEntry> _dirty = new();

    // Entries of keys that went idle, kept for the next keys that come into use: a lock+release
    // cycle then allocates no entry, and (once they have aged) storing them in a large table does
    // not dirty its cards for the collector. At most SpareEntryLimit.
    private const int SpareEntryLimit = 256;
    private readonly Stack<KeyEntry> _spareEntries = new();

    // How many of an owner's most recent holdings a release walks before it looks its key up.
    private const int RecentHoldingsWalked = 4;

    // The holdings the last ownership check found, in key order (see CheckOwnership).
    private readonly List<Holding> _checked = new();

    // Owners that hold and wait for nothing but stay watched for a while, oldest first (see Forget).
    private readonly LinkedList<IdleOwner> _idle = new();
    private int _idleEpoch;
    private bool _sweeping;
    private readonly ILockEffects _fx;
    private readonly LockManagerSettings _settings;
    private long _lastToken;
    private long _wakeAt = Never;
    private int _settledWaitsInHeap;

    /// <summary>Creates an empty table.</summary>
    /// <param name="settings">Validated settings.</param>
    /// <param name="effects">Where effects go.</param>
    /// <param name="lastToken">The fencing token to count up from (the first grant gets <c>lastToken + 1</c>).</param>
    public LockTable(LockManagerSettings settings, ILockEffects effects, long lastToken = 0)
    {
        _settings = settings;
        _fx = effects;
        _lastToken = lastToken;
        _parties = new Dictionary<IActorRef, Party>(_actors);
    }

    /// <summary>Number of keys that are held or waited for.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>Number of actors that hold or wait for something (each watched once).</summary>
    public int PartyCount => _parties.Count - _idle.Count;

    /// <summary>Owners that hold and wait for nothing but are still watched (see <see cref="LockManagerSettings.IdleOwnerWatchTime"/>).</summary>
    public int IdleOwnerCount => _idle.Count;

    /// <summary>The last fencing token handed out.</summary>
    public long LastToken => _lastToken;

    // -----------------------------------------------------------------------------------
    // Requests
    // -----------------------------------------------------------------------------------

    /// <summary><see cref="LockActors.TryLock"/> of an ordinary exclusive lock.</summary>
    public void TryLock(IActorRef owner, IActorRef? replyTo, object? key) =>
        TryLock(owner, replyTo, key, LockTerms.Default);

    /// <summary><see cref="LockActors.TryLock"/>: take the key now or answer busy.</summary>
    public void TryLock(IActorRef owner, IActorRef? replyTo, object? key, LockTerms terms)
    {
        if (key is null)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest, "TryLock was sent with a null key.");
            return;
        }

        if (!ValidTerms(replyTo, terms, nameof(LockActors.TryLock), key))
        {
            return;
        }

        // One lookup finds the key or files a new entry for it: a key not in use is always granted.
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, key, out var inUse);
        if (!inUse)
        {
            slot = NewEntry(key, terms.Capacity);
        }

        var entry = slot!;
        if (inUse)
        {
            if (!SameCapacity(replyTo, entry, terms, nameof(LockActors.TryLock)))
            {
                return;
            }

            if (FindParty(owner) is { } party && entry.HoldingOf(party) is not null)
            {
                _fx.Send(replyTo, new LockBusy(key, owner));
                return;
            }

            if (entry.Head is not null || !entry.Admits(terms.Mode, terms.Permits))
            {
                _fx.Send(replyTo, new LockBusy(key, entry.AnyHolder()?.Actor));
                return;
            }
        }

        GrantNow(owner, replyTo, [key], isMulti: false, new ReadOnlySpan<KeyEntry>(ref entry), terms);
    }

    /// <summary><see cref="LockActors.Await"/> of an ordinary exclusive lock.</summary>
    public void Await(IActorRef owner, IActorRef? replyTo, object? key, TimeSpan? timeout, long now) =>
        Await(owner, replyTo, key, timeout, LockTerms.Default, now);

    /// <summary><see cref="LockActors.Await"/>: take the key, or wait in line for it.</summary>
    public void Await(IActorRef owner, IActorRef? replyTo, object? key, TimeSpan? timeout, LockTerms terms, long now)
    {
        if (key is null)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest, "Await was sent with a null key.");
            return;
        }

        if (!ValidTerms(replyTo, terms, nameof(LockActors.Await), key))
        {
            return;
        }

        // One lookup finds the key or files a new entry for it: a key not in use is granted at once.
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, key, out var inUse);
        if (!inUse)
        {
            var added = slot = NewEntry(key, terms.Capacity);
            GrantNow(owner, replyTo, [key], isMulti: false, new ReadOnlySpan<KeyEntry>(ref added), terms);
            return;
        }

        var entry = slot!;
        if (!SameCapacity(replyTo, entry, terms, nameof(LockActors.Await)))
        {
            return;
        }

        var party = FindParty(owner);
        if (party is not null && entry.HoldingOf(party) is not null)
        {
            Refuse(replyTo, key, RefusalReason.SelfDeadlock,
                $"Cannot await key {KeyText.Of(key)}: {owner.Path} already holds it, waiting would deadlock.");
            return;
        }

        if (CanGrantNow(entry, terms))
        {
            GrantNow(owner, replyTo, [key], isMulti: false, new ReadOnlySpan<KeyEntry>(ref entry), terms);
            return;
        }

        var deadline = Deadline(timeout ?? _settings.DefaultAwaitTimeout, now);
        if (deadline <= now)
        {
            _fx.Send(replyTo, new LockTimedOut([key]));
            return;
        }

        // A single-key wait keeps no key list: it is built when a reply needs it. The party found
        // above is reused, not looked up again.
        Enqueue(party is null ? Enlist(owner) : Rejoin(party), replyTo, [], isMulti: false, new ReadOnlySpan<KeyEntry>(ref entry), terms, deadline);
    }

    /// <summary><see cref="LockActors.AwaitAll"/> of ordinary exclusive locks.</summary>
    public void AwaitAll(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object>? keys, TimeSpan? timeout, long now) =>
        AwaitAll(owner, replyTo, keys, timeout, LockTerms.Default, now);

    /// <summary><see cref="LockActors.AwaitAll"/>: take all the keys at once, or wait in line for all of them.</summary>
    public void AwaitAll(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object>? keys, TimeSpan? timeout, LockTerms terms, long now)
    {
        if (!ValidKeyList(replyTo, keys, nameof(LockActors.AwaitAll))
            || !ValidTerms(replyTo, terms, nameof(LockActors.AwaitAll), keys![0], keys))
        {
            return;
        }

        var keyList = Snapshot(keys!);
        var entries = new KeyEntry?[keyList.Length];
        var party = FindParty(owner);
        var grantableNow = true;
        for (var i = 0; i < keyList.Length; i++)
        {
            _keys.TryGetValue(keyList[i], out var entry);
            if (entry is not null && !SameCapacity(replyTo, entry, terms, nameof(LockActors.AwaitAll)))
            {
                return;
            }

            if (party is not null && entry?.HoldingOf(party) is not null)
            {
                Refuse(replyTo, keyList[i], RefusalReason.SelfDeadlock,
                    $"Cannot await {KeyText.OfAll(keyList)}: {owner.Path} already holds key {KeyText.Of(keyList[i])}, waiting would deadlock.");
                return;
            }

            entries[i] = entry;
            grantableNow &= entry is null || CanGrantNow(entry, terms);
        }

        var deadline = grantableNow ? now : Deadline(timeout ?? _settings.DefaultAwaitTimeout, now);
        if (!grantableNow && deadline <= now)
        {
            _fx.Send(replyTo, new LockTimedOut(keyList));
            return;
        }

        var resolved = new KeyEntry[keyList.Length];
        for (var i = 0; i < keyList.Length; i++)
        {
            resolved[i] = entries[i] ?? AddEntry(keyList[i], terms.Capacity);
        }

        if (grantableNow)
        {
            GrantNow(owner, replyTo, keyList, isMulti: true, resolved, terms);
            return;
        }

        Enqueue(Enlist(owner), replyTo, keyList, isMulti: true, resolved, terms, deadline);
    }

    /// <summary><see cref="LockActors.Release"/>: release the grant's keys if the owner holds them all under its token.</summary>
    public void Release(IActorRef owner, IActorRef? replyTo, LockGrant? grant)
    {
        if (!ValidGrant(replyTo, grant, nameof(LockActors.Release)))
        {
            return;
        }

        if (CheckOwnership(owner, replyTo, grant!.Keys, grant.FencingToken) is not { } party)
        {
            return;
        }

        FreeChecked(party);
        _fx.Send(replyTo, new Released(grant.Keys));
        Settle();
    }

    /// <summary><see cref="LockActors.ReleaseKeys"/>: release keys the owner holds, whatever grant they came from.</summary>
    public void ReleaseKeys(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object>? keys)
    {
        if (!ValidKeyList(replyTo, keys, nameof(LockActors.ReleaseKeys)))
        {
            return;
        }

        var keyList = Snapshot(keys!);
        if (CheckOwnership(owner, replyTo, keyList, token: null) is not { } party)
        {
            return;
        }

        FreeChecked(party);
        _fx.Send(replyTo, new Released(keyList));
        Settle();
    }

    /// <summary><see cref="LockActors.Goodbye"/>: release everything the owner holds and withdraw its waits.</summary>
    public void Goodbye(IActorRef owner, IActorRef? replyTo)
    {
        if (FindParty(owner) is not { } party)
        {
            _fx.Send(replyTo, new GoodbyeDone([]));
            return;
        }

        var released = ClearParty(party, notifyReplyToOf: null);
        _fx.Send(replyTo, new GoodbyeDone(released));
        Settle();
    }

    /// <summary><see cref="LockActors.GiveAway"/>: move the grant's keys to the heir under a new grant.</summary>
    public void GiveAway(IActorRef owner, IActorRef? replyTo, LockGrant? grant, IActorRef? heir, object? giftData)
    {
        if (!ValidGrant(replyTo, grant, nameof(LockActors.GiveAway)))
        {
            return;
        }

        if (heir is null || heir.IsNobody())
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest,
                $"GiveAway of {KeyText.OfAll(grant!.Keys)} names no heir ({(heir is null ? "null" : heir.ToString())}).");
            return;
        }

        if (heir.Equals(owner))
        {
            Refuse(replyTo, grant!.Keys[0], RefusalReason.AlreadyOwner,
                $"Cannot give {KeyText.OfAll(grant.Keys)} away to {heir.Path}: it is already the owner.");
            return;
        }

        if (CheckOwnership(owner, replyTo, grant!.Keys, grant.FencingToken) is not { } giver)
        {
            return;
        }

        var heirParty = FindParty(heir);
        if (heirParty is not null)
        {
            foreach (var key in grant.Keys)
            {
                if (_keys[key].HoldingOf(heirParty) is not null)
                {
                    Refuse(replyTo, key, RefusalReason.AlreadyOwner,
                        $"Cannot give {KeyText.OfAll(grant.Keys)} away to {heir.Path}: it already holds key {KeyText.Of(key)}.");
                    return;
                }
            }
        }

        heirParty = Enlist(heir);
        var keys = Snapshot(grant.Keys);
        var held = _keys[keys[0]].HoldingOf(giver)!;
        var newGrant = NextGrant(heir, keys, grant.IsMulti, held.Mode, held.Permits);
        foreach (var key in keys)
        {
            var entry = _keys[key];
            giver.Unhold(entry.HoldingOf(giver)!);
            Hold(heirParty, entry, newGrant);
        }

        Forget(giver);
        _fx.Send(replyTo, new GaveAway(newGrant));
        _fx.Send(heir, new LockTransferred(owner, newGrant, giftData));
        RefuseSelfDeadlocks(heirParty);
        Settle();
    }

    /// <summary><see cref="LockActors.CancelAwait"/>: withdraw the owner's waits that involve any of the keys (all when null).</summary>
    public void CancelAwait(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object>? keys)
    {
        if (keys is not null && !ValidKeyList(replyTo, keys, nameof(LockActors.CancelAwait)))
        {
            return;
        }

        if (FindParty(owner) is not { } party || party.FirstWait is null)
        {
            return;
        }

        HashSet<object>? wanted = keys is null ? null : new HashSet<object>(keys);
        for (var wait = party.FirstWait; wait is not null;)
        {
            var next = wait.OwnerNext;
            if (wanted is null || wait.Keys.Any(wanted.Contains))
            {
                Withdraw(wait);
                _fx.Send(wait.ReplyTo, new AwaitCancelled(wait.Keys));
            }

            wait = next;
        }

        Forget(party);
        Settle();
    }

    /// <summary><see cref="LockActors.WhereIs"/>.</summary>
    public void WhereIs(IActorRef? replyTo, object? key)
    {
        if (key is null)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest, "WhereIs was sent with a null key.");
            return;
        }

        _keys.TryGetValue(key, out var entry);
        _fx.Send(replyTo, new KeyOwner(key, entry is null ? null : OldestHolding(entry)?.Holder!.Actor));
    }

    /// <summary><see cref="LockActors.SendToOwner"/>: forward to the owner, keeping the sender.</summary>
    public void SendToOwner(IActorRef? sender, object? key, object? message)
    {
        if (key is null || message is null)
        {
            Refuse(sender, null, RefusalReason.InvalidRequest,
                key is null ? "SendToOwner was sent with a null key." : $"SendToOwner for key {KeyText.Of(key)} carries a null message.");
            return;
        }

        _keys.TryGetValue(key, out var entry);
        if (entry is null || entry.IsFree)
        {
            _fx.Send(sender, new NoOwner(key));
            return;
        }

        if (entry.Others is null)
        {
            _fx.Forward(entry.Holder!.Actor, message, sender);
            return;
        }

        foreach (var holding in HoldingsByAge(entry))
        {
            _fx.Forward(holding.Holder!.Actor, message, sender);
        }
    }

    /// <summary><see cref="LockActors.GetMeta"/>.</summary>
    public void GetMeta(IActorRef? replyTo) => _fx.Send(replyTo, new ManagerMeta(_settings.Metadata));

    /// <summary><see cref="LockActors.Inspect"/>: owner, token and queue of one key (walks the queue).</summary>
    public void Inspect(IActorRef? replyTo, object? key)
    {
        if (key is null)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest, "Inspect was sent with a null key.");
            return;
        }

        _fx.Send(replyTo, Status(key));
    }

    /// <summary>The status of one key, as <see cref="LockActors.Inspect"/> reports it.</summary>
    public KeyStatus Status(object key)
    {
        if (!_keys.TryGetValue(key, out var entry))
        {
            return KeyStatus.Free(key);
        }

        var queue = new List<LockWaiter>();
        for (var node = entry.Head; node is not null; node = node.Next)
        {
            var wait = node.Request;
            queue.Add(new LockWaiter(wait.Owner.Actor, wait.Mode, wait.Permits, wait.Priority, wait.Keys));
        }

        var holders = HoldingsByAge(entry).Select(h => new LockHolder(h.Holder!.Actor, h.Mode, h.Permits, h.Token)).ToList();
        return new KeyStatus(key, entry.Capacity, holders, queue);
    }

    // -----------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------

    /// <summary>A watched actor terminated: its keys go to their waiters, its waits leave every queue.</summary>
    /// <returns>The keys the actor held, now released (empty when it held nothing).</returns>
    public IReadOnlyList<object> Terminated(IActorRef actor)
    {
        if (FindParty(actor) is not { } party)
        {
            _actors.Forget(actor);
            return [];
        }

        var released = ClearParty(party, notifyReplyToOf: actor);
        Settle();
        return released;
    }

    /// <summary>Times out every wait whose deadline is at or before <paramref name="now"/>, then asks to be woken for the next one.</summary>
    public void ExpireDue(long now)
    {
        while (_deadlines.TryPeek(out var wait, out var deadline) && deadline <= now)
        {
            if (wait.Pending)
            {
                Withdraw(wait);
                Forget(wait.Owner);
                _fx.Send(wait.ReplyTo, new LockTimedOut(wait.Keys));
            }

            // Every wait leaves the heap settled, whether it settled earlier or just now.
            _deadlines.Dequeue();
            _settledWaitsInHeap--;
        }

        Settle();
        _wakeAt = Never;
        ScheduleNextWake();
    }

    /// <summary>
    /// Drops the whole state, telling every owner which grants it lost and refusing every pending
    /// wait with <see cref="RefusalReason.ManagerRestarted"/>. Used when the manager stops or restarts.
    /// </summary>
    public void DropAll(string reason)
    {
        foreach (var party in _parties.Values)
        {
            foreach (var lost in LostGrants(party))
            {
                _fx.Send(party.Actor, new LockLost(lost, reason));
            }

            for (var wait = party.FirstWait; wait is not null; wait = wait.OwnerNext)
            {
                _fx.Send(wait.ReplyTo, new LockRefused(wait.Keys[0], RefusalReason.ManagerRestarted,
                    $"The wait for {KeyText.OfAll(wait.Keys)} was dropped: {reason}"));
            }
        }

        _keys.Clear();
        _spareEntries.Clear();
        _parties.Clear();
        Array.Clear(_recentParties);
        _idle.Clear();
        _sweeping = false;
        _actors.Clear();
        _deadlines.Clear();
        _dirty.Clear();
        _settledWaitsInHeap = 0;
        _wakeAt = Never;
    }

    // -----------------------------------------------------------------------------------
    // State functions
    // -----------------------------------------------------------------------------------

    private KeyEntry AddEntry(object key, int capacity)
    {
        var entry = NewEntry(key, capacity);
        _keys.Add(key, entry);
        return entry;
    }

    /// <summary>An entry for a key coming into use: a spare one if there is one, else a new one.</summary>
    private KeyEntry NewEntry(object key, int capacity)
    {
        if (_spareEntries.TryPop(out var entry))
        {
            entry.Reuse(key, capacity);
            return entry;
        }

        return new KeyEntry(key, capacity);
    }

    private Party Enlist(IActorRef actor)
    {
        if (RecentParty(actor) is { } recent)
        {
            return Rejoin(recent);
        }

        ref var party = ref CollectionsMarshal.GetValueRefOrAddDefault(_parties, actor, out var known);
        if (!known)
        {
            party = new Party(actor);
            _fx.Watch(actor);
        }

        RecentPartySlot(actor) = party;
        return known ? Rejoin(party!) : party!;
    }

    /// <summary>
    /// The party of <paramref name="actor"/>, or null when the table does not know it. The party last
    /// found in the actor's slot of <see cref="_recentParties"/> is taken without a lookup when it was
    /// filed under this very reference object: an owner usually sends every request with the same one.
    /// </summary>
    private Party? FindParty(IActorRef actor)
    {
        if (RecentParty(actor) is { } recent)
        {
            return recent;
        }

        if (!_parties.TryGetValue(actor, out var party))
        {
            return null;
        }

        RecentPartySlot(actor) = party;
        return party;
    }

    /// <summary>The party in the actor's slot if it was filed under this very reference object, else null.</summary>
    private Party? RecentParty(IActorRef actor) =>
        RecentPartySlot(actor) is { } hit && ReferenceEquals(hit.Actor, actor) ? hit : null;

    private ref Party? RecentPartySlot(IActorRef actor) =>
        ref _recentParties[(int)actor.Path.Uid & (RecentPartySlots - 1)];

    /// <summary>A filed party about to hold or wait again: no longer among the idle owners.</summary>
    private Party Rejoin(Party party)
    {
        if (party.IsIdle)
        {
            _idle.Remove(party.IdleNode!);
        }

        return party;
    }

    /// <summary>
    /// Lets go of a party that holds and waits for nothing: a dead one is dropped; a live one is kept
    /// watched for a while, so an actor that locks again soon (one that locks per message, say) is not
    /// unwatched and watched again each time — two system messages and Akka's watch bookkeeping per
    /// lock. At most <see cref="LockManagerSettings.MaxIdleOwnersWatched"/> stay, none for longer than
    /// about twice <see cref="LockManagerSettings.IdleOwnerWatchTime"/>; the client's owners, used for
    /// one lock each, are unwatched at once.
    /// </summary>
    private void Forget(Party party, bool dead = false)
    {
        if (!party.IsEmpty || party.Dropped)
        {
            return;
        }

        if (dead)
        {
            Drop(party, unwatch: false);
            return;
        }

        if (party.IsIdle)
        {
            return;
        }

        if (_settings.MaxIdleOwnersWatched == 0 || _settings.IdleOwnerWatchTime == TimeSpan.Zero)
        {
            Drop(party, unwatch: true);
            return;
        }

        // The node is made once per party and reused each time it goes idle.
        party.IdleNode ??= new LinkedListNode<IdleOwner>(default);
        party.IdleNode.Value = new IdleOwner(party, _idleEpoch);
        _idle.AddLast(party.IdleNode);
        if (_idle.Count > _settings.MaxIdleOwnersWatched)
        {
            Drop(_idle.First!.Value.Party, unwatch: true);
        }

        if (!_sweeping)
        {
            _sweeping = true;
            _fx.StartIdleSweep();
        }
    }

    /// <summary>Removes a party from the table (and from the idle owners), unwatching it unless it is dead.</summary>
    private void Drop(Party party, bool unwatch)
    {
        _parties.Remove(party.Actor);
        ref var recent = ref RecentPartySlot(party.Actor);
        if (ReferenceEquals(recent, party))
        {
            recent = null;
        }

        if (party.IsIdle)
        {
            _idle.Remove(party.IdleNode!);
        }

        party.IdleNode = Party.DroppedMark;

        _actors.Forget(party.Actor);
        if (unwatch)
        {
            _fx.Unwatch(party.Actor);
        }
    }

    /// <summary>
    /// Unwatches the owners that have held and waited for nothing since before the previous sweep
    /// (the manager sweeps every <see cref="LockManagerSettings.IdleOwnerWatchTime"/> while
    /// <see cref="ILockEffects.StartIdleSweep"/> is in force).
    /// </summary>
    /// <returns>True while idle owners remain, so sweeping should go on; false to stop.</returns>
    public bool SweepIdleOwners()
    {
        _idleEpoch++;
        while (_idle.First is { } oldest && oldest.Value.Since < _idleEpoch - 1)
        {
            Drop(oldest.Value.Party, unwatch: true);
        }

        _sweeping = _idle.Count > 0;
        return _sweeping;
    }

    /// <summary>
    /// Grants keys that admit the request and that nobody of the same or a higher priority waits
    /// for. Only holders are added and no queue changes, so nothing else becomes grantable. A
    /// priority request may be granted past the owner's own lower-priority waits on these keys:
    /// those can never be granted now and are refused as self-deadlocks (which may free a queue's
    /// first place, hence the settle).
    /// </summary>
    private void GrantNow(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object> keys, bool isMulti, ReadOnlySpan<KeyEntry> entries, in LockTerms terms)
    {
        var party = Enlist(owner);
        var grant = NextGrant(owner, keys, isMulti, terms.Mode, terms.Permits);
        foreach (var entry in entries)
        {
            Hold(party, entry, grant);
        }

        _fx.Send(replyTo, new LockAcquired(grant));
        if (party.FirstWait is not null)
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

    private static void Hold(Party owner, KeyEntry entry, LockGrant grant) =>
        owner.Hold(entry, grant.FencingToken, grant.IsMulti ? grant.Keys : null, grant.Mode, grant.Permits);

    private void Enqueue(Party owner, IActorRef? replyTo, IReadOnlyList<object> keys, bool isMulti, ReadOnlySpan<KeyEntry> entries, in LockTerms terms, long deadline)
    {
        var wait = new Wait(owner, replyTo, entries, keys, isMulti, terms, deadline);
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i].Enqueue(wait.NodeAt(i));
        }

        owner.AddWait(wait);
        if (deadline != Never)
        {
            _deadlines.Enqueue(wait, deadline);
            if (deadline < _wakeAt)
            {
                _wakeAt = deadline;
                _fx.WakeAt(deadline);
            }
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

        wait.Owner.RemoveWait(wait);
        if (wait.IsTimed)
        {
            _settledWaitsInHeap++;
        }
    }

    /// <summary>Gives up the holdings <see cref="CheckOwnership"/> just found and marks their keys for a grant check.</summary>
    private void FreeChecked(Party party)
    {
        foreach (var holding in _checked)
        {
            FreeHolding(party, holding);
        }

        _checked.Clear();
        Forget(party);
    }

    private void FreeHolding(Party party, Holding holding)
    {
        party.Unhold(holding);
        _dirty.Enqueue(holding.Entry);
    }

    /// <summary>
    /// Releases everything a party holds and withdraws all its waits, answering each withdrawn wait
    /// <see cref="AwaitCancelled"/> (except to <paramref name="notifyReplyToOf"/>, a dead actor).
    /// </summary>
    private List<object> ClearParty(Party party, IActorRef? notifyReplyToOf)
    {
        for (var wait = party.FirstWait; wait is not null;)
        {
            var next = wait.OwnerNext;
            Withdraw(wait);
            if (notifyReplyToOf is null || !notifyReplyToOf.Equals(wait.ReplyTo))
            {
                _fx.Send(wait.ReplyTo, new AwaitCancelled(wait.Keys));
            }

            wait = next;
        }

        var released = new List<object>();
        while (party.FirstHeld is { } holding)
        {
            released.Add(holding.Entry.Key);
            FreeHolding(party, holding);
        }

        Forget(party, dead: notifyReplyToOf is not null);
        return released;
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
                // An entry can be queued here more than once; only the first visit removes it (and
                // keeps it as a spare: nothing refers to an idle entry but the dirty queue).
                if (_keys.Remove(entry.Key, out var removed) && ReferenceEquals(removed, entry) && _spareEntries.Count < SpareEntryLimit)
                {
                    _spareEntries.Push(entry);
                }

                continue;
            }

            if (entry.Head?.Request is not { IsGrantable: true } wait)
            {
                continue;
            }

            // Withdrawing marks every key of the wait again, so the next in line is checked too:
            // shared waiters at the head of a queue are granted together, semaphore waiters while
            // permits last.
            Withdraw(wait);
            var grant = NextGrant(wait.Owner.Actor, wait.Keys, wait.IsMulti, wait.Mode, wait.Permits);
            for (var i = 0; i < wait.NodeCount; i++)
            {
                Hold(wait.Owner, wait.NodeAt(i).Entry, grant);
            }

            _fx.Send(wait.ReplyTo, new LockAcquired(grant));
            RefuseSelfDeadlocks(wait.Owner);
        }

        CompactDeadlinesIfMostlySettled();
    }

    /// <summary>An owner's pending waits on keys it now holds can never be granted: refuse them.</summary>
    private void RefuseSelfDeadlocks(Party owner)
    {
        for (var wait = owner.FirstWait; wait is not null;)
        {
            var next = wait.OwnerNext;
            for (var i = 0; i < wait.NodeCount; i++)
            {
                var node = wait.NodeAt(i);
                if (node.Entry.HoldingOf(owner) is not null)
                {
                    Withdraw(wait);
                    Refuse(wait.ReplyTo, node.Entry.Key, RefusalReason.SelfDeadlock,
                        $"The wait for {KeyText.OfAll(wait.Keys)} was refused: {owner.Actor.Path} now holds key {KeyText.Of(node.Entry.Key)}, waiting would deadlock.");
                    break;
                }
            }

            wait = next;
        }
    }

    /// <summary>Checks that <paramref name="owner"/> holds every key (under <paramref name="token"/> when given); replies the first failure.</summary>
    /// <remarks>The holdings found are left in <see cref="_checked"/> (in key order), so a release need not look them up again.</remarks>
    private Party? CheckOwnership(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object> keys, long? token)
    {
        _checked.Clear();
        var party = FindParty(owner);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (party is not null && RecentHolding(party, key) is { } recent)
            {
                if (token is { } expected && recent.Token != expected)
                {
                    _fx.Send(replyTo, new ReleaseFailed(key, ReleaseFailure.StaleGrant, party.Actor));
                    return null;
                }

                _checked.Add(recent);
                continue;
            }

            _keys.TryGetValue(key, out var entry);
            if (entry is null || entry.IsFree)
            {
                _fx.Send(replyTo, new ReleaseFailed(key, ReleaseFailure.NotLocked, null));
                return null;
            }

            if (party is null || entry.HoldingOf(party) is not { } holding)
            {
                _fx.Send(replyTo, new ReleaseFailed(key, ReleaseFailure.NotOwner, entry.AnyHolder()!.Actor));
                return null;
            }

            if (token is { } t && holding.Token != t)
            {
                _fx.Send(replyTo, new ReleaseFailed(key, ReleaseFailure.StaleGrant, party.Actor));
                return null;
            }

            _checked.Add(holding);
        }

        return party;
    }

    /// <summary>
    /// The party's holding of <paramref name="key"/> if it is among its few most recent holdings and
    /// named by the very key object it was taken with; else null (then the table looks the key up).
    /// A release usually names the key object its grant carries, and in a large table the walk over
    /// a few hot holdings is cheaper than a hash lookup that misses the cache. Bounded, so O(1).
    /// </summary>
    private static Holding? RecentHolding(Party party, object key)
    {
        var holding = party.FirstHeld;
        for (var n = 0; holding is not null && n < RecentHoldingsWalked; n++, holding = holding.HeldNext)
        {
            if (ReferenceEquals(holding.Entry.Key, key))
            {
                return holding;
            }
        }

        return null;
    }

    /// <summary>
    /// The grants a party holds, rebuilt from its entries (one grant per fencing token), each listing
    /// the keys still held under it in the order of the original request.
    /// </summary>
    private IEnumerable<LockGrant> LostGrants(Party party)
    {
        var byToken = new Dictionary<long, List<Holding>>();
        for (var holding = party.FirstHeld; holding is not null; holding = holding.HeldNext)
        {
            if (!byToken.TryGetValue(holding.Token, out var holdings))
            {
                byToken[holding.Token] = holdings = [];
            }

            holdings.Add(holding);
        }

        foreach (var (token, holdings) in byToken.OrderBy(g => g.Key))
        {
            var first = holdings[0];
            IReadOnlyList<object> keys = first.MultiKeys is { } all
                ? all.Where(k => holdings.Exists(h => Equals(h.Entry.Key, k))).ToArray()
                : [first.Entry.Key];
            yield return MakeGrant(keys, first.MultiKeys is not null, party.Actor, token, first.Mode, first.Permits);
        }
    }

    /// <summary>The holder with the oldest grant, or null when the key is free.</summary>
    private static Holding? OldestHolding(KeyEntry entry)
    {
        if (entry.Others is null)
        {
            return entry.Holder is null ? null : entry;
        }

        Holding? oldest = null;
        foreach (var holding in entry.Holdings())
        {
            if (oldest is null || holding.Token < oldest.Token)
            {
                oldest = holding;
            }
        }

        return oldest;
    }

    /// <summary>The key's holdings, oldest grant first.</summary>
    private static List<Holding> HoldingsByAge(KeyEntry entry)
    {
        var holdings = entry.Holdings().ToList();
        holdings.Sort((x, y) => x.Token.CompareTo(y.Token));
        return holdings;
    }

    private void ScheduleNextWake()
    {
        while (_deadlines.TryPeek(out var wait, out var deadline))
        {
            if (wait.Pending)
            {
                _wakeAt = deadline;
                _fx.WakeAt(deadline);
                return;
            }

            _deadlines.Dequeue();
            _settledWaitsInHeap--;
        }
    }

    /// <summary>
    /// Granted and withdrawn waits stay in the deadline heap until they surface; rebuild it when
    /// they are the majority so memory follows the pending waits.
    /// </summary>
    private void CompactDeadlinesIfMostlySettled()
    {
        if (_settledWaitsInHeap < 1024 || _settledWaitsInHeap * 2 < _deadlines.Count)
        {
            return;
        }

        var pending = _deadlines.UnorderedItems.Where(x => x.Element.Pending).ToList();
        _deadlines.Clear();
        _deadlines.EnqueueRange(pending);
        _settledWaitsInHeap = 0;
    }

    // -----------------------------------------------------------------------------------
    // Validation
    // -----------------------------------------------------------------------------------

    private void Refuse(IActorRef? replyTo, object? key, RefusalReason reason, string message) =>
        _fx.Send(replyTo, new LockRefused(key, reason, message));

    /// <summary>Refuses a bad key list; <paramref name="ofGrant"/> names it "… of a grant" in the refusal.</summary>
    private bool ValidKeyList(IActorRef? replyTo, IReadOnlyList<object>? keys, string requestName, bool ofGrant = false)
    {
        // The common case, a single-key grant's release, passes without building the request's name.
        if (RequestRules.Keys(keys, _settings.MaxKeysPerRequest, requestName) is null)
        {
            return true;
        }

        var violation = RequestRules.Keys(keys, _settings.MaxKeysPerRequest, ofGrant ? requestName + " of a grant" : requestName)!.Value;
        _fx.Send(replyTo, violation.ToRefusal());
        return false;
    }

    /// <summary>Refuses terms that can never be granted; <paramref name="keys"/> is null for a single-key request.</summary>
    private bool ValidTerms(IActorRef? replyTo, in LockTerms terms, string request, object key, IReadOnlyList<object>? keys = null)
    {
        if (terms.Problem() is not { } problem)
        {
            return true;
        }

        Refuse(replyTo, null, RefusalReason.InvalidRequest, $"{request} of {KeyText.OfAll(keys ?? [key])} was refused: {problem}.");
        return false;
    }

    private bool SameCapacity(IActorRef? replyTo, KeyEntry entry, in LockTerms terms, string request)
    {
        if (entry.Capacity == terms.Capacity)
        {
            return true;
        }

        Refuse(replyTo, entry.Key, RefusalReason.CapacityMismatch,
            $"{request} names capacity {terms.Capacity} for key {KeyText.Of(entry.Key)}, which is in use with capacity {entry.Capacity}.");
        return false;
    }

    private bool ValidGrant(IActorRef? replyTo, LockGrant? grant, string request)
    {
        if (grant is null)
        {
            Refuse(replyTo, null, RefusalReason.InvalidRequest, $"{request} was sent with a null grant.");
            return false;
        }

        return ValidKeyList(replyTo, grant.Keys, request, ofGrant: true);
    }

    /// <summary>Copies a caller's key list so later changes to it cannot touch the table.</summary>
    private static object[] Snapshot(IReadOnlyList<object> keys)
    {
        var copy = new object[keys.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = keys[i];
        }

        return copy;
    }

    private static long Deadline(TimeSpan timeout, long now)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return Never;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return now;
        }

        var ms = Math.Ceiling(timeout.TotalMilliseconds);
        return ms >= Never - now ? Never : now + (long)ms;
    }

    // -----------------------------------------------------------------------------------
    // Checks for tests
    // -----------------------------------------------------------------------------------

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
        foreach (var (key, entry) in _keys)
        {
            var k = KeyText.Of(key);
            Check(Equals(entry.Key, key), $"entry for {k} is filed under another key");
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
                Check(holding.MultiKeys is null || holding.MultiKeys.Contains(entry.Key), $"key {k} is not among the keys of its multi-key grant");
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

            Wait? last = null;
            WaitNode? prev = null;
            for (var node = entry.Head; node is not null; node = node.Next)
            {
                var wait = node.Request;
                Check(node == entry.Head || node.Prev == prev, $"queue of {k} is badly linked");
                Check(wait.Pending, $"queue of {k} holds a settled wait");
                Check(last is null || last.Priority >= wait.Priority, $"queue of {k} is not in priority order");
                Check(node.Entry == entry, $"a node in the queue of {k} points to another key");
                Check(entry.HoldingOf(wait.Owner) is null, $"an owner of {k} waits for it");
                Check(wait.Permits <= entry.Capacity && (wait.Mode == LockMode.Exclusive || entry.Capacity == 1),
                    $"a wait for {k} asks for what its capacity {entry.Capacity} can never give");
                last = wait;
                prev = node;
            }

            Check(entry.Head is null || entry.Head.Prev == prev, $"queue of {k} has a wrong tail");
            if (entry.Head is not null)
            {
                Check(!entry.Head.Request.IsGrantable, $"first waiter for {k} could take it but waits");
            }
        }

        Check(_idle.Count <= _settings.MaxIdleOwnersWatched, $"{_idle.Count} idle owners kept watched, more than {_settings.MaxIdleOwnersWatched}");
        Check(_idle.All(i => _parties.TryGetValue(i.Party.Actor, out var filed) && filed == i.Party && i.Party.IdleNode!.Value == i),
            "an idle owner is not filed as a party");
        Check(_idle.Count == 0 || _sweeping, "idle owners are kept watched but no sweep is running");

        var listed = 0;
        foreach (var (actor, party) in _parties)
        {
            Check(party.Actor.Equals(actor), $"party {actor} is filed under another actor");
            var idle = party.IsIdle;
            Check(party.IsEmpty == idle, idle
                ? $"idle party {actor} holds or waits for something"
                : $"party {actor} holds and waits for nothing but is still watched and not among the idle owners");
            Check(!party.Dropped, $"party {actor} was dropped but is still filed");
            var held = 0;
            Holding? previous = null;
            for (var holding = party.FirstHeld; holding is not null; holding = holding.HeldNext)
            {
                held++;
                var entry = holding.Entry;
                Check(holding.HeldPrev == previous, $"the held keys of {actor} are badly linked");
                Check(holding.Holder == party && entry.HoldingOf(party) == holding && _keys.TryGetValue(entry.Key, out var e) && e == entry,
                    $"party {actor} lists key {KeyText.Of(entry.Key)} that it does not hold");
                previous = holding;
            }

            listed += held;

            Wait? previousWait = null;
            for (var wait = party.FirstWait; wait is not null; wait = wait.OwnerNext)
            {
                Check(wait.OwnerPrev == (wait == party.FirstWait ? LastOf(party) : previousWait), $"the waits of {actor} are badly linked");
                Check(wait.Pending && wait.Owner == party, $"party {actor} lists a settled or foreign wait");
                for (var i = 0; i < wait.NodeCount; i++)
                {
                    var node = wait.NodeAt(i);
                    var linked = false;
                    for (var n = node.Entry.Head; n is not null && !linked; n = n.Next)
                    {
                        linked = n == node;
                    }

                    Check(linked && _keys.TryGetValue(node.Entry.Key, out var e) && e == node.Entry,
                        $"a wait of {actor} is missing from the queue of {KeyText.Of(node.Entry.Key)}");
                }

                previousWait = wait;
            }
        }

        Check(holdings == listed, "some holding is missing from its owner's list");
        Check(_recentParties.All(p => p is null || (_parties.TryGetValue(p.Actor, out var filed) && filed == p)),
            "a recently found party is no longer filed");
        Check(_dirty.Count == 0, "keys are left unsettled after an operation");

        static Wait? LastOf(Party party)
        {
            var last = party.FirstWait;
            while (last?.OwnerNext is { } next)
            {
                last = next;
            }

            return last;
        }
    }

    private static void Check(bool condition, string violation)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Lock table invariant violated: " + violation);
        }
    }
}

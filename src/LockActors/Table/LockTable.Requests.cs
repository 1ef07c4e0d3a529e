using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Akka.Actor;
using LockActors.Table.Events;

namespace LockActors.Table;

// The requests an owner makes: take, wait for, release, give away, or cancel its waits.
internal sealed partial class LockTable
{
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

        if (InUseOrGranted(owner, replyTo, key, terms, nameof(LockActors.TryLock)) is not { } entry)
        {
            return;
        }

        if (FindParty(owner) is { } party && entry.HoldingOf(party) is { } own)
        {
            ReplyBusy(replyTo, new LockBusy(key, owner) { OwnerLabel = own.Label }, owner, terms);
            return;
        }

        if (entry.Head is not null || !entry.Admits(terms.Mode, terms.Permits))
        {
            ReplyBusy(replyTo, Busy(key, entry), owner, terms);
            return;
        }

        GrantNow(Enlist(owner), owner, replyTo, new object[] { key }, isMulti: false, new ReadOnlySpan<KeyEntry>(ref entry), terms);
    }

    /// <summary>
    /// What TryLock and Await do first: refuse terms that can never be granted or a capacity other
    /// than the key's, and grant a key not in use at once (one lookup finds the key or reserves its
    /// slot). Returns the entry of a key in use for the caller to decide; null once the request is
    /// answered.
    /// </summary>
    private KeyEntry? InUseOrGranted(IActorRef owner, IActorRef? replyTo, object key, in LockTerms terms, string request)
    {
        if (!ValidTerms(replyTo, terms, request, key))
        {
            return null;
        }

        var filed = FiledKey.Of(key);
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, filed, out var inUse);
        if (inUse)
        {
            var entry = slot!;
            return SameCapacity(replyTo, entry, terms, request) ? entry : null;
        }

        var newcomer = EnlistForReservedKey(owner, filed);
        var added = slot = new KeyEntry(filed, terms.Capacity);
        GrantNow(newcomer, owner, replyTo, new object[] { key }, isMulti: false, new ReadOnlySpan<KeyEntry>(ref added), terms);
        return null;
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

        if (InUseOrGranted(owner, replyTo, key, terms, nameof(LockActors.Await)) is not { } entry)
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
            GrantNow(party is null ? Enlist(owner) : Rejoin(party), owner, replyTo, new object[] { key }, isMulti: false, new ReadOnlySpan<KeyEntry>(ref entry), terms);
            return;
        }

        var deadline = Deadline(timeout ?? _settings.DefaultAwaitTimeout, now);
        if (deadline <= now)
        {
            var timedOut = new object[] { key };
            Monitor.TimedOut(owner, timedOut, terms.Label, queuedAt: null, now);
            _fx.Send(replyTo, new LockTimedOut(timedOut));
            return;
        }

        KeyEntry? queued = entry;
        if (RefusedAsDeadlock(party, replyTo, keys: null, new ReadOnlySpan<KeyEntry?>(ref queued), terms))
        {
            return;
        }

        // A single-key wait keeps no key list: it is built when a reply needs it. The party found
        // above is reused, not looked up again.
        Enqueue(party is null ? Enlist(owner) : Rejoin(party), replyTo, [], isMulti: false, new ReadOnlySpan<KeyEntry>(ref entry), terms, deadline, now);
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
        var filedKeys = new FiledKey[keyList.Length];
        var entries = new KeyEntry?[keyList.Length];
        var party = FindParty(owner);
        var grantableNow = true;
        for (var i = 0; i < keyList.Length; i++)
        {
            filedKeys[i] = FiledKey.Of(keyList[i]);
            _keys.TryGetValue(filedKeys[i], out var entry);
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
            Monitor.TimedOut(owner, keyList, terms.Label, queuedAt: null, now);
            _fx.Send(replyTo, new LockTimedOut(keyList));
            return;
        }

        if (!grantableNow && RefusedAsDeadlock(party, replyTo, keyList, entries, terms))
        {
            return;
        }

        // The owner is enlisted (watched) before anything changes, as a watch can throw.
        var owning = party is null ? Enlist(owner) : Rejoin(party);
        var resolved = ResolveEntries(filedKeys, entries, terms.Capacity, owning);
        if (grantableNow)
        {
            GrantNow(owning, owner, replyTo, keyList, isMulti: true, resolved, terms);
            return;
        }

        Enqueue(owning, replyTo, keyList, isMulti: true, resolved, terms, deadline, now);
    }

    /// <summary><see cref="LockActors.Release"/>: release the grant's keys if the owner holds them all under its token.</summary>
    public void Release(IActorRef owner, IActorRef? replyTo, LockGrant? grant)
    {
        if (!ValidGrant(replyTo, grant, nameof(LockActors.Release)))
        {
            return;
        }

        if (CheckOwnership(owner, replyTo, grant!.Keys, grant.FencingToken) is not { } holdings)
        {
            return;
        }

        Free(holdings);
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
        if (CheckOwnership(owner, replyTo, keyList, token: null) is not { } holdings)
        {
            return;
        }

        Free(holdings);
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

        // Ownership first: only the owner may learn that it names itself as the heir.
        if (CheckOwnership(owner, replyTo, grant!.Keys, grant.FencingToken) is not { } holdings)
        {
            return;
        }

        if (heir.Equals(owner))
        {
            Refuse(replyTo, grant.Keys[0], RefusalReason.AlreadyOwner,
                $"Cannot give {KeyText.OfAll(grant.Keys)} away to {heir.Path}: it is already the owner.");
            return;
        }

        var heirParty = FindParty(heir);
        if (heirParty is not null)
        {
            foreach (var holding in holdings)
            {
                if (holding.Entry.HoldingOf(heirParty) is not null)
                {
                    Refuse(replyTo, holding.Entry.Key, RefusalReason.AlreadyOwner,
                        $"Cannot give {KeyText.OfAll(grant.Keys)} away to {heir.Path}: it already holds key {KeyText.Of(holding.Entry.Key)}.");
                    return;
                }
            }
        }

        var giver = holdings[0].Holder!;
        heirParty = Enlist(heir);
        var keys = Snapshot(grant.Keys);
        var newGrant = NextGrant(heir, keys, grant.IsMulti, holdings[0].Mode, holdings[0].Permits);
        foreach (var holding in holdings)
        {
            var entry = holding.Entry;
            Monitor.HoldEnded(holding);
            giver.Unhold(holding);
            Hold(heirParty, entry, newGrant, label: null, Monitor.GrantTime());
        }

        Forget(giver);
        _events?.Record(GivenAwayEvent(giver.Actor, newGrant));
        _fx.Send(replyTo, new GaveAway(newGrant));
        _fx.Send(heir, new LockTransferred(owner, newGrant, giftData));
        RefuseSelfDeadlocks(heirParty);
        Settle();
    }

    /// <summary><see cref="LockActors.CancelAwait"/>: withdraw the owner's waits that involve any of the keys (all when null).</summary>
    /// <param name="owner">The owner whose waits to withdraw.</param>
    /// <param name="replyTo">Where a refusal of the request goes.</param>
    /// <param name="keys">The keys whose waits to withdraw; null for all.</param>
    /// <param name="onlyRequestedBy">When set, only the waits whose reply-to is this actor (a sender other than the owner withdraws only what it requested).</param>
    public void CancelAwait(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object>? keys, IActorRef? onlyRequestedBy = null)
    {
        if (keys is not null && !ValidKeyList(replyTo, keys, nameof(LockActors.CancelAwait)))
        {
            return;
        }

        if (FindParty(owner) is not { } party || party.Waits.IsEmpty)
        {
            return;
        }

        HashSet<object>? wanted = keys is null ? null : new HashSet<object>(keys);
        for (var wait = party.Waits.First; wait is not null;)
        {
            var next = party.Waits.Next(wait);
            if ((onlyRequestedBy is null || onlyRequestedBy.Equals(wait.ReplyTo)) && (wanted is null || wait.Keys.Any(wanted.Contains)))
            {
                _events?.Record(EndedEvent(wait, WaitEndReason.Cancelled));
                Withdraw(wait);
                _fx.Send(wait.ReplyTo, new AwaitCancelled(wait.Keys));
            }

            wait = next;
        }

        Forget(party);
        Settle();
    }

    /// <summary>Gives up the holdings <see cref="CheckOwnership"/> found (all of one party) and marks their keys for a grant check.</summary>
    private void Free(Holding[] holdings)
    {
        var party = holdings[0].Holder!;
        foreach (var holding in holdings)
        {
            FreeHolding(party, holding);
        }

        _events?.Record(ReleasedEvent(party, holdings));
        Forget(party);
    }

    /// <summary>Checks that <paramref name="owner"/> holds every key (under <paramref name="token"/> when given); replies the first failure.</summary>
    /// <returns>The owner's holdings of the keys, in key order; null when a check failed (the failure was replied).</returns>
    private Holding[]? CheckOwnership(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object> keys, long? token)
    {
        var found = new Holding[keys.Count];
        var party = FindParty(owner);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            var entry = EntryOfReleasedKey(party, key);
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

            found[i] = holding;
        }

        return found;
    }

    /// <summary>
    /// The entry of a key named in a release: looked up by the key's hash code; when that finds
    /// nothing or the key's own code throws, searched for among the owner's holdings by the very key
    /// object (O(the owner's holdings), on that path only). So a key whose hash code changed or
    /// started throwing while it was locked is still released, and the fault is reported.
    /// </summary>
    private KeyEntry? EntryOfReleasedKey(Party? party, object key)
    {
        Exception? failure = null;
        try
        {
            if (_keys.TryGetValue(FiledKey.Of(key), out var entry))
            {
                return entry;
            }
        }
        catch (Exception e)
        {
            failure = e;
        }

        for (var holding = party?.Held.First; holding is not null; holding = party!.Held.Next(holding))
        {
            if (ReferenceEquals(holding.Entry.Key, key))
            {
                var fault = failure is null ? "changed its hash code" : $"threw {failure.GetType().Name} when hashed or compared";
                _fx.ReportError($"Key {KeyText.Of(key)} {fault} while it was locked; it was released all the same, but a key must not change while it is locked.");
                return holding.Entry;
            }
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return null;
    }
}

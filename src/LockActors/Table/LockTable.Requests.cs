using System.Runtime.InteropServices;
using Akka.Actor;
using LockActors.Table.Events;

namespace LockActors.Table;

// The requests an owner makes to take keys: take, wait for, or cancel its waits.
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
        var added = slot = _keys.NewEntry(filed, terms.Capacity);
        GrantNow(newcomer, owner, replyTo, new object[] { key }, isMulti: false, new ReadOnlySpan<KeyEntry>(ref added), terms);
        return null;
    }

    /// <summary><see cref="LockActors.Await"/> of an ordinary exclusive lock.</summary>
    public void Await(IActorRef owner, IActorRef? replyTo, object? key, TimeSpan? timeout, RequestTime arrived) =>
        Await(owner, replyTo, key, timeout, LockTerms.Default, arrived);

    /// <summary><see cref="LockActors.Await"/>: take the key, or wait in line for it.</summary>
    public void Await(IActorRef owner, IActorRef? replyTo, object? key, TimeSpan? timeout, LockTerms terms, RequestTime arrived)
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

        var now = arrived.Read();
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
    public void AwaitAll(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object>? keys, TimeSpan? timeout, RequestTime arrived) =>
        AwaitAll(owner, replyTo, keys, timeout, LockTerms.Default, arrived);

    /// <summary><see cref="LockActors.AwaitAll"/>: take all the keys at once, or wait in line for all of them.</summary>
    public void AwaitAll(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object>? keys, TimeSpan? timeout, LockTerms terms, RequestTime arrived)
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

        // Granted at once, the request needs no time; else its deadline is set from its arrival.
        var now = grantableNow ? 0 : arrived.Read();
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
}

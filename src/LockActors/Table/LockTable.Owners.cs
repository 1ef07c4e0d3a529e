using System.Runtime.InteropServices;
using Akka.Actor;
using LockActors.Table.Events;

namespace LockActors.Table;

// The actors the table knows of: filed on their first request, watched while they hold or wait,
// kept watched a while when idle, dropped when they die or stay idle.
internal sealed partial class LockTable
{
    /// <summary>A watched actor terminated: its keys go to their waiters, its waits leave every queue.</summary>
    /// <returns>The keys the actor held, now released (empty when it held nothing).</returns>
    public IReadOnlyList<object> Terminated(IActorRef actor)
    {
        if (FindParty(actor) is not { } party)
        {
            ActorHashes.Forget(actor);
            return [];
        }

        var released = ClearParty(party, notifyReplyToOf: actor);
        Settle();
        return released;
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

            for (var wait = party.Waits.First; wait is not null; wait = party.Waits.Next(wait))
            {
                _fx.Send(wait.ReplyTo, new LockRefused(wait.Keys[0], RefusalReason.ManagerRestarted,
                    $"The wait for {KeyText.OfAll(wait.Keys)} was dropped: {reason}"));
            }
        }

        _keys.Clear();
        _parties.Clear();
        ActorHashes.Clear();
        _idle.Clear();
        _deadlines.Clear();
        _dirty.Clear();
        _waitCount = 0;
    }

    /// <summary>The party of <paramref name="actor"/>, filed and watched now if the table did not know it; no longer idle.</summary>
    /// <remarks>
    /// One lookup finds the party or reserves its slot. The watch calls the reference's own code;
    /// should it throw, the slot is taken out again, so the table is as it was.
    /// </remarks>
    private Party Enlist(IActorRef actor)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_parties, actor, out var known);
        if (known)
        {
            return Rejoin(slot!);
        }

        try
        {
            _fx.Watch(actor);
        }
        catch (Exception)
        {
            _parties.Remove(actor);
            throw;
        }

        return slot = new Party(actor);
    }

    /// <summary>The party of <paramref name="actor"/>, or null when the table does not know it.</summary>
    private Party? FindParty(IActorRef actor) => _parties.GetValueOrDefault(actor);

    /// <summary>The hashes the party dictionary remembers: forgotten with a party, so no departed owner is kept alive.</summary>
    private ActorRefComparer ActorHashes => (ActorRefComparer)_parties.Comparer;

    /// <summary>A filed party about to hold or wait again: no longer among the idle owners.</summary>
    private Party Rejoin(Party party)
    {
        if (party.IsIdle)
        {
            _idle.Remove(party);
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
        if (!party.IsEmpty)
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

        if (!_idle.Enabled)
        {
            Drop(party, unwatch: true);
            return;
        }

        if (_idle.Add(party) is { } evicted)
        {
            Drop(evicted, unwatch: true);
        }
    }

    /// <summary>Removes a party from the table (and from the idle owners), unwatching it unless it is dead.</summary>
    private void Drop(Party party, bool unwatch)
    {
        _parties.Remove(party.Actor);
        ActorHashes.Forget(party.Actor);
        if (party.IsIdle)
        {
            _idle.Remove(party);
        }

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
        _idle.StartSweep();
        while (_idle.NextDue() is { } due)
        {
            Drop(due, unwatch: true);
        }

        return _idle.EndSweep();
    }

    /// <summary>
    /// Releases everything a party holds and withdraws all its waits, answering each withdrawn wait
    /// <see cref="AwaitCancelled"/> (except to <paramref name="notifyReplyToOf"/>, a dead actor).
    /// </summary>
    private List<object> ClearParty(Party party, IActorRef? notifyReplyToOf)
    {
        _events?.Record(new OwnerGone(party.Actor, Terminated: notifyReplyToOf is not null));
        for (var wait = party.Waits.First; wait is not null;)
        {
            var next = party.Waits.Next(wait);
            Withdraw(wait);
            if (notifyReplyToOf is null || !notifyReplyToOf.Equals(wait.ReplyTo))
            {
                _fx.Send(wait.ReplyTo, new AwaitCancelled(wait.Keys));
            }

            wait = next;
        }

        var released = new List<object>();
        while (party.Held.First is { } holding)
        {
            released.Add(holding.Entry.Key);
            FreeHolding(party, holding);
        }

        Forget(party, dead: notifyReplyToOf is not null);
        return released;
    }

    /// <summary>
    /// The grants a party holds, rebuilt from its entries (one grant per fencing token), each listing
    /// the keys still held under it in the order of the original request.
    /// </summary>
    private IEnumerable<LockGrant> LostGrants(Party party)
    {
        var byToken = new Dictionary<long, List<Holding>>();
        for (var holding = party.Held.First; holding is not null; holding = party.Held.Next(holding))
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
                ? all.Where(k => holdings.Exists(h => SameKey(h.Entry.Key, k))).ToArray()
                : new object[] { first.Entry.Key };
            yield return MakeGrant(keys, first.MultiKeys is not null, party.Actor, token, first.Mode, first.Permits);
        }
    }

    /// <summary>True when two keys are the same object or equal; a key whose Equals throws is equal only to itself.</summary>
    private static bool SameKey(object held, object named)
    {
        if (ReferenceEquals(held, named))
        {
            return true;
        }

        try
        {
            return held.Equals(named);
        }
        catch (Exception)
        {
            return false;
        }
    }
}

using Akka.Actor;
using LockActors.Table.Events;

namespace LockActors.Table;

// The requests an owner makes to give keys up: release, release keys, goodbye, or give away.
internal sealed partial class LockTable
{
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

    /// <summary>Gives up the holdings <see cref="CheckOwnership"/> found (all of one party) and marks their keys for a grant check.</summary>
    private void Free(FoundHoldings holdings)
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
    private FoundHoldings? CheckOwnership(IActorRef owner, IActorRef? replyTo, IReadOnlyList<object> keys, long? token)
    {
        var party = FindParty(owner);
        if (keys.Count == 1)
        {
            return HoldingOfReleasedKey(party, replyTo, keys[0], token) is { } one ? FoundHoldings.Of(one) : null;
        }

        var found = new Holding[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            if (HoldingOfReleasedKey(party, replyTo, keys[i], token) is not { } holding)
            {
                return null;
            }

            found[i] = holding;
        }

        return FoundHoldings.Of(found);
    }
}

using Akka.Actor;

namespace LockActors.Table;

/// <summary>Where a party stands with the table.</summary>
internal enum PartyState : byte
{
    /// <summary>Holds or waits for something (or is about to).</summary>
    Active,

    /// <summary>Holds and waits for nothing, but is kept watched for a while (see <see cref="IdleOwners"/>).</summary>
    Idle,

    /// <summary>No longer filed: a later request for its actor makes a new party.</summary>
    Dropped,
}

/// <summary>An actor the table knows of because it holds keys or waits for some. Watched while it exists.</summary>
internal sealed class Party(IActorRef actor)
{
    public readonly IActorRef Actor = actor;

    /// <summary>This party's holdings, newest first.</summary>
    public IntrusiveList<Holding, Holding.InHolderList> Held;

    /// <summary>This party's pending waits, oldest first.</summary>
    public IntrusiveList<Wait, Wait.InOwnerList> Waits;

    /// <summary>Links among the idle owners while <see cref="State"/> is <see cref="PartyState.Idle"/>.</summary>
    public Links<Party> IdleLinks;

    /// <summary>The sweep count when the party last became idle.</summary>
    public int IdleSince;

    public PartyState State;

    public bool IsEmpty => Held.IsEmpty && Waits.IsEmpty;

    public bool IsIdle => State == PartyState.Idle;

    public bool Dropped => State == PartyState.Dropped;

    /// <summary>Takes a slot of <paramref name="entry"/> under the given grant.</summary>
    public void Hold(KeyEntry entry, long token, IReadOnlyList<object>? multiKeys, LockMode mode, int permits)
    {
        var holding = entry.NewHolding(this, mode, permits);
        holding.Holder = this;
        holding.Token = token;
        holding.MultiKeys = multiKeys;
        Held.AddFirst(holding);
    }

    /// <summary>Gives up a holding of this party.</summary>
    public void Unhold(Holding holding)
    {
        Held.Remove(holding);
        holding.Entry.FreeHolding(holding);
    }

    /// <summary>Where a party keeps its links among the idle owners.</summary>
    public abstract class InIdleList : ILinksOf<Party>
    {
        public static ref Links<Party> Of(Party item) => ref item.IdleLinks;
    }
}

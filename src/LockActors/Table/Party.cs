using Akka.Actor;

namespace LockActors.Table;

/// <summary>An actor the table knows of because it holds keys or waits for some. Watched while it exists.</summary>
internal sealed class Party(IActorRef actor)
{
    public readonly IActorRef Actor = actor;

    /// <summary>This party's holdings, newest first.</summary>
    public IntrusiveList<Holding, Holding.InHolderList> Held;

    /// <summary>This party's pending waits, oldest first.</summary>
    public IntrusiveList<Wait, Wait.InOwnerList> Waits;

    /// <summary>This party's place among the idle owners; made the first time it is idle, listed while it is.</summary>
    public IdleOwner? Idle;

    public bool IsEmpty => Held.IsEmpty && Waits.IsEmpty;

    /// <summary>True while the party is kept watched among the idle owners.</summary>
    public bool IsIdle => Idle is { } idle && IntrusiveList<IdleOwner, IdleOwner.InList>.IsListed(idle);

    /// <summary>Takes a slot of <paramref name="entry"/> under the given grant.</summary>
    public void Hold(KeyEntry entry, long token, IReadOnlyList<object>? multiKeys, LockMode mode, int permits, string? label = null, long grantedAt = 0)
    {
        var holding = entry.NewHolding(this, mode, permits);
        holding.Holder = this;
        holding.Token = token;
        holding.MultiKeys = multiKeys;
        holding.Note = HoldingNote.For(label, grantedAt);
        Held.AddFirst(holding);
    }

    /// <summary>Gives up a holding of this party.</summary>
    public void Unhold(Holding holding)
    {
        Held.Remove(holding);
        holding.Entry.FreeHolding(holding);
        holding.Note = null;
    }
}

/// <summary>A party's place among the idle owners: the sweep count when it last became idle, and its links.</summary>
internal sealed class IdleOwner(Party party)
{
    public readonly Party Party = party;

    /// <summary>The sweep count when the party last became idle.</summary>
    public int Since;

    /// <summary>Links among the idle owners, oldest first.</summary>
    public Links<IdleOwner> Links;

    /// <summary>Where an idle owner keeps its links.</summary>
    public abstract class InList : ILinksOf<IdleOwner>
    {
        public static ref Links<IdleOwner> Of(IdleOwner item) => ref item.Links;
    }
}

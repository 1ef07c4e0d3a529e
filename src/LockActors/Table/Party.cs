using Akka.Actor;

namespace LockActors.Table;

/// <summary>An actor the table knows of because it holds keys or waits for some. Watched while it exists.</summary>
internal sealed class Party(IActorRef actor)
{
    public readonly IActorRef Actor = actor;

    /// <summary>This party's holdings (linked through <see cref="Holding.HeldNext"/>).</summary>
    public Holding? FirstHeld;

    /// <summary>
    /// This party's pending waits, oldest first, linked through <see cref="Wait.OwnerNext"/> (null after
    /// the last). The first wait's <see cref="Wait.OwnerPrev"/> is the last wait, so no tail is kept.
    /// </summary>
    public Wait? FirstWait;

    /// <summary>
    /// This party's place among the idle owners kept watched: in the table's list while idle (its
    /// value says since which sweep); <see cref="DroppedMark"/> once the table dropped the party.
    /// </summary>
    public LinkedListNode<IdleOwner>? IdleNode;

    /// <summary>Marks a party the table dropped (a later request for its actor makes a new party).</summary>
    public static readonly LinkedListNode<IdleOwner> DroppedMark = new(default);

    public bool IsEmpty => FirstHeld is null && FirstWait is null;

    public bool IsIdle => IdleNode?.List is not null;

    public bool Dropped => ReferenceEquals(IdleNode, DroppedMark);

    /// <summary>Takes a slot of <paramref name="entry"/> under the given grant.</summary>
    public void Hold(KeyEntry entry, long token, IReadOnlyList<object>? multiKeys, LockMode mode, int permits)
    {
        var holding = entry.NewHolding(this, mode, permits);
        holding.Holder = this;
        holding.Token = token;
        holding.MultiKeys = multiKeys;

        holding.HeldPrev = null;
        holding.HeldNext = FirstHeld;
        if (FirstHeld is not null)
        {
            FirstHeld.HeldPrev = holding;
        }

        FirstHeld = holding;
    }

    /// <summary>Gives up a holding of this party.</summary>
    public void Unhold(Holding holding)
    {
        if (holding.HeldPrev is null)
        {
            FirstHeld = holding.HeldNext;
        }
        else
        {
            holding.HeldPrev.HeldNext = holding.HeldNext;
        }

        if (holding.HeldNext is not null)
        {
            holding.HeldNext.HeldPrev = holding.HeldPrev;
        }

        holding.HeldPrev = holding.HeldNext = null;
        holding.Entry.FreeHolding(holding);
    }

    public void AddWait(Wait wait)
    {
        wait.OwnerNext = null;
        if (FirstWait is null)
        {
            wait.OwnerPrev = wait;
            FirstWait = wait;
        }
        else
        {
            var last = FirstWait.OwnerPrev!;
            wait.OwnerPrev = last;
            last.OwnerNext = wait;
            FirstWait.OwnerPrev = wait;
        }
    }

    public void RemoveWait(Wait wait)
    {
        var first = FirstWait!;
        if (wait == first)
        {
            FirstWait = wait.OwnerNext;
            if (FirstWait is not null)
            {
                FirstWait.OwnerPrev = wait.OwnerPrev; // the last wait
            }
        }
        else
        {
            wait.OwnerPrev!.OwnerNext = wait.OwnerNext;
            (wait.OwnerNext ?? first).OwnerPrev = wait.OwnerPrev; // the last wait's successor is the first
        }

        wait.OwnerPrev = wait.OwnerNext = null;
    }
}

/// <summary>An owner kept watched while it holds and waits for nothing, and the table's sweep count when it became idle.</summary>
internal readonly record struct IdleOwner(Party Party, int Since);

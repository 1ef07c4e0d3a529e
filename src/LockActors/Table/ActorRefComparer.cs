using System.Runtime.CompilerServices;
using Akka.Actor;

namespace LockActors.Table;

/// <summary>
/// Actor reference equality as Akka defines it (by path and uid), with the hash codes of recently
/// seen reference objects remembered. Akka computes an actor reference's hash from every element
/// of its path and its address on each call; the table looks the same few owners up several times
/// per request, so it pays that once per reference object instead.
/// </summary>
/// <remarks>
/// Not thread-safe: one per table, used on the manager's thread. Holds at most
/// <see cref="Slots"/> references; <see cref="Forget"/> drops one the table no longer knows of, so
/// the references of departed owners are not kept alive.
/// </remarks>
internal sealed class ActorRefComparer : IEqualityComparer<IActorRef>
{
    private const int Slots = 256;

    private readonly Slot[] _slots = new Slot[Slots];

    /// <inheritdoc />
    public bool Equals(IActorRef? x, IActorRef? y) => ReferenceEquals(x, y) || (x is not null && x.Equals(y));

    /// <inheritdoc />
    public int GetHashCode(IActorRef actor)
    {
        ref var slot = ref _slots[RuntimeHelpers.GetHashCode(actor) & (Slots - 1)];
        if (ReferenceEquals(slot.Actor, actor))
        {
            return slot.Hash;
        }

        var hash = actor.GetHashCode();
        slot = new Slot(actor, hash);
        return hash;
    }

    /// <summary>Drops <paramref name="actor"/>'s remembered hash, if it is remembered.</summary>
    public void Forget(IActorRef actor)
    {
        ref var slot = ref _slots[RuntimeHelpers.GetHashCode(actor) & (Slots - 1)];
        if (ReferenceEquals(slot.Actor, actor))
        {
            slot = default;
        }
    }

    /// <summary>Drops every remembered hash.</summary>
    public void Clear() => Array.Clear(_slots);

    private readonly record struct Slot(IActorRef? Actor, int Hash);
}

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
/// <para>Not thread-safe: one per table, used on the manager's thread. Holds at most
/// <see cref="Slots"/> references; <see cref="Forget"/> drops one the table no longer knows of, so
/// the references of departed owners are not kept alive.</para>
/// <para>A reference's slot comes from its path's uid (random per actor incarnation; zero for
/// temporary paths, which then share a slot), not from <see cref="RuntimeHelpers.GetHashCode(object)"/>:
/// the first identity hash of an object is slow, and owners may be new for every lock.</para>
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
        ref var slot = ref SlotOf(actor);
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
        ref var slot = ref SlotOf(actor);
        if (ReferenceEquals(slot.Actor, actor))
        {
            slot = default;
        }
    }

    private ref Slot SlotOf(IActorRef actor) => ref _slots[(int)actor.Path.Uid & (Slots - 1)];

    /// <summary>Drops every remembered hash.</summary>
    public void Clear() => Array.Clear(_slots);

    private readonly record struct Slot(IActorRef? Actor, int Hash);
}

using Akka.Actor;

namespace LockActors;

// What Inspect reports about one key.

/// <summary>Answer to <see cref="Inspect"/>: who holds the key and who waits for it.</summary>
/// <param name="Key">The key inspected.</param>
/// <param name="Capacity">The key's capacity while it is in use; 1 for a lock (and for a key nobody uses).</param>
/// <param name="Holders">Every holder of the key, oldest grant first (one for an exclusive lock); empty when free.</param>
/// <param name="Queue">The waits queued for the key with their terms, first in line first.</param>
public sealed record KeyStatus(object Key, int Capacity, IReadOnlyList<LockHolder> Holders, IReadOnlyList<LockWaiter> Queue) : ILockReply
{
    /// <summary>The status of a key nobody holds or waits for.</summary>
    /// <param name="key">The key.</param>
    /// <returns>A status with capacity 1, no holder and no wait.</returns>
    public static KeyStatus Free(object key) => new(key, 1, [], []);

    /// <summary>The holder with the oldest grant, or null when the key is free.</summary>
    public IActorRef? Owner => Holders.Count > 0 ? Holders[0].Owner : null;

    /// <summary>The fencing token of <see cref="Owner"/>'s grant, or null when the key is free.</summary>
    public long? FencingToken => Holders.Count > 0 ? Holders[0].FencingToken : null;

    /// <summary>The owners of the queued waits, first in line first.</summary>
    public IReadOnlyList<IActorRef> Waiters => Queue.Select(w => w.Owner).ToArray();

    /// <summary>Permits held: the sum over exclusive holders, or the number of shared holders.</summary>
    public int PermitsHeld => Holders.Sum(h => h.Permits);

    /// <summary>Statuses are equal when they describe the same state; lists are compared item by item.</summary>
    /// <param name="other">The status to compare with.</param>
    /// <returns>True when both describe the same state.</returns>
    public bool Equals(KeyStatus? other) =>
        other is not null
        && Equals(Key, other.Key)
        && Capacity == other.Capacity
        && Holders.SequenceEqual(other.Holders)
        && Queue.SequenceEqual(other.Queue);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Key, Capacity, Holders.Count, Queue.Count);
}

/// <summary>One holder of a key, as <see cref="Inspect"/> reports it.</summary>
/// <param name="Owner">The holder.</param>
/// <param name="Mode">How it holds the key.</param>
/// <param name="Permits">The permits it holds (1 for a shared holder or a plain lock).</param>
/// <param name="FencingToken">The fencing token of its grant.</param>
public sealed record LockHolder(IActorRef Owner, LockMode Mode, int Permits, long FencingToken)
{
    /// <summary>Who took the lock, in words (<see cref="LockOptions.Label"/> of its request); null for none or after a give-away.</summary>
    public string? Label { get; init; }
}

/// <summary>One wait in a key's queue, as <see cref="Inspect"/> reports it.</summary>
/// <param name="Owner">The waiting owner.</param>
/// <param name="Mode">The mode it asks for.</param>
/// <param name="Permits">The permits it asks for.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="Keys">All keys of the wait (several for an <see cref="AwaitAll"/>), in the order given.</param>
public sealed record LockWaiter(IActorRef Owner, LockMode Mode, int Permits, int Priority, IReadOnlyList<object> Keys)
{
    /// <summary>Who waits, in words (<see cref="LockOptions.Label"/> of its request); null for none.</summary>
    public string? Label { get; init; }

    /// <summary>Equal when every field is, the key lists compared item by item.</summary>
    /// <param name="other">The waiter to compare with.</param>
    /// <returns>True when both describe the same wait.</returns>
    public bool Equals(LockWaiter? other) =>
        other is not null
        && Equals(Owner, other.Owner)
        && Mode == other.Mode
        && Permits == other.Permits
        && Priority == other.Priority
        && Label == other.Label
        && Keys.SequenceEqual(other.Keys);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Owner, Mode, Permits, Priority, Keys.Count);
}

using Akka.Actor;
using Akka.Event;

namespace LockActors;

// Every message the LockManager receives or sends lives in this file.
// Requests implement ILockRequest; replies and notifications implement ILockReply.
// Messages carry only data (keys, actor references, grants): no delegates and no tasks,
// so the same protocol can later cross the wire.

/// <summary>Marker for every request understood by the <see cref="LockManager"/>.</summary>
public interface ILockRequest;

/// <summary>
/// A request made on behalf of an owner. When <see cref="Owner"/> is null, the message's
/// sender is the owner.
/// </summary>
/// <remarks>
/// Trust model: a request may name another owner than its sender. It may then take locks for that
/// owner (<see cref="TryLock"/>, <see cref="Await"/>, <see cref="AwaitAll"/>), but act on the
/// owner's locks only with proof: <see cref="Release"/> and <see cref="GiveAway"/> present the
/// grant, whose fencing token must match. <see cref="ReleaseKeys"/> and <see cref="Goodbye"/>
/// present none, so they are refused (<see cref="RefusalReason.InvalidRequest"/>, nothing changes)
/// unless the sender is the owner; <see cref="CancelAwait"/> from another sender withdraws only the
/// waits that sender requested (those whose replies go to it). The manager trusts the sender
/// reference Akka delivers; it does not authenticate actors.
/// </remarks>
public interface IOwnedLockRequest : ILockRequest
{
    /// <summary>The actor the request is made for; null means the sender.</summary>
    IActorRef? Owner { get; }
}

/// <summary>Marker for every message the <see cref="LockManager"/> sends.</summary>
/// <remarks>
/// Replies may legitimately reach an actor that has just stopped (a grant to a waiter that
/// died in the meantime); the manager frees such keys when it learns of the death, so these
/// messages are not reported as dead letters.
/// </remarks>
public interface ILockReply : IDeadLetterSuppression;

/// <summary>Why a request was refused without changing anything.</summary>
public enum RefusalReason
{
    /// <summary>The owner waited for a key it already holds; waiting would never end.</summary>
    SelfDeadlock,

    /// <summary>A key appears twice in the request's key list.</summary>
    DuplicateKey,

    /// <summary>The request is malformed: a null key, an empty or oversized key list, a null grant or heir…</summary>
    InvalidRequest,

    /// <summary>A give-away names the current owner as the heir.</summary>
    AlreadyOwner,

    /// <summary>The manager was restarted or stopped while the request was waiting.</summary>
    ManagerRestarted,

    /// <summary>
    /// The request names a <see cref="LockOptions.Capacity"/> other than the one the key has
    /// while it is in use.
    /// </summary>
    CapacityMismatch,

    /// <summary>
    /// The wait would close a deadlock between owners: each owner of a cycle waits for a key that
    /// the next one holds, and the last one waits for a key this owner holds. The wait is refused at
    /// once instead of being queued; the message names the cycle (owners and keys), and the owner
    /// keeps what it holds. Only cycles through holders are found: a wait blocked by a holding that
    /// alone keeps it out (an exclusive holder; a shared holder of a key waited for exclusively; a
    /// semaphore holder whose permits and the wait's together exceed the capacity).
    /// </summary>
    Deadlock,
}

/// <summary>Why a release or give-away failed; nothing was released.</summary>
public enum ReleaseFailure
{
    /// <summary>The key is held by another owner.</summary>
    NotOwner,

    /// <summary>The key is not held by anyone.</summary>
    NotLocked,

    /// <summary>The owner holds the key, but under a newer grant than the one presented.</summary>
    StaleGrant,
}

/// <summary>How a lock is held.</summary>
public enum LockMode : byte
{
    /// <summary>
    /// Alone (the default): nobody else holds the key. On a key with a capacity above 1 (a semaphore),
    /// exclusive holders share the capacity, each holding the permits it asked for.
    /// </summary>
    Exclusive,

    /// <summary>
    /// Together with any number of other shared holders and no exclusive one: a reader's lock.
    /// Only on keys of capacity 1.
    /// </summary>
    Shared,
}

/// <summary>
/// A request for a lock, on the terms of its <see cref="Options"/>. Implemented by
/// <see cref="TryLock"/>, <see cref="Await"/> and <see cref="AwaitAll"/>.
/// </summary>
public interface ILockTermsRequest : IOwnedLockRequest
{
    /// <summary>
    /// Mode, permits, the key's capacity, priority and timeout; default <see cref="LockOptions.Exclusive"/>.
    /// A null value is refused with <see cref="RefusalReason.InvalidRequest"/>.
    /// </summary>
    LockOptions Options { get; }
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// <summary>
/// Takes <paramref name="Key"/> if nobody waits for it and it can be had now (free; or held shared
/// and this request is shared; or a semaphore with enough permits left); never waits, whatever
/// <see cref="LockOptions.Timeout"/> and <see cref="LockOptions.Priority"/> say.
/// Replies <see cref="LockAcquired"/>, <see cref="LockBusy"/> or <see cref="LockRefused"/>.
/// </summary>
/// <param name="Key">The key to lock; any non-null value with value equality.</param>
public sealed record TryLock(object Key) : ILockTermsRequest
{
    /// <inheritdoc />
    public IActorRef? Owner { get; init; }

    /// <inheritdoc />
    public LockOptions Options { get; init; } = LockOptions.Exclusive;
}

/// <summary>
/// Takes <paramref name="Key"/>, waiting in line (by <see cref="LockOptions.Priority"/>, then first
/// come, first served) until it can be had.
/// Replies exactly once: <see cref="LockAcquired"/>, <see cref="LockTimedOut"/>,
/// <see cref="LockRefused"/> or <see cref="AwaitCancelled"/>.
/// </summary>
/// <param name="Key">The key to lock.</param>
/// <param name="Timeout">
/// How long to wait: null for the options' <see cref="LockOptions.Timeout"/>, and when that is null
/// too, the manager's <see cref="LockManagerSettings.DefaultAwaitTimeout"/>;
/// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> to wait forever, zero or negative for one
/// immediate attempt. The manager enforces it.
/// </param>
public sealed record Await(object Key, TimeSpan? Timeout = null) : ILockTermsRequest
{
    /// <inheritdoc />
    public IActorRef? Owner { get; init; }

    /// <inheritdoc />
    public LockOptions Options { get; init; } = LockOptions.Exclusive;
}

/// <summary>
/// Takes every key in <paramref name="Keys"/> at once, atomically: nothing is held until all
/// are granted together, so two <see cref="AwaitAll"/> requests never deadlock, whatever the key
/// order. Replies like <see cref="Await"/>; the grant lists the keys in the order given.
/// </summary>
/// <param name="Keys">The distinct keys to lock (at most <see cref="LockManagerSettings.MaxKeysPerRequest"/>).</param>
/// <param name="Timeout">As for <see cref="Await"/>.</param>
public sealed record AwaitAll(IReadOnlyList<object> Keys, TimeSpan? Timeout = null) : ILockTermsRequest
{
    /// <summary>The distinct keys to lock, in the order given. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<object> Keys { get; init; } = KeyArray.Of(Keys);

    /// <inheritdoc />
    public IActorRef? Owner { get; init; }

    /// <inheritdoc />
    public LockOptions Options { get; init; } = LockOptions.Exclusive;
}

/// <summary>
/// Releases every key of <paramref name="Grant"/>, checking the owner and the fencing token.
/// All or nothing. Replies <see cref="Released"/>, <see cref="ReleaseFailed"/> or
/// <see cref="LockRefused"/>; sent without a sender it is fire-and-forget and a failure is
/// logged as an error.
/// </summary>
/// <remarks>The grant is the proof of ownership: any sender presenting it may release it for its <see cref="Owner"/>.</remarks>
/// <param name="Grant">The grant received in <see cref="LockAcquired"/>, <see cref="GaveAway"/> or <see cref="LockTransferred"/>.</param>
public sealed record Release(LockGrant Grant) : IOwnedLockRequest
{
    /// <inheritdoc />
    public IActorRef? Owner { get; init; }
}

/// <summary>
/// Releases the given keys if the owner holds every one of them, whatever grant they came from.
/// Replies <see cref="Released"/>, <see cref="ReleaseFailed"/> or <see cref="LockRefused"/>.
/// </summary>
/// <remarks>
/// It presents no grant, so only the owner itself may send it: with an <see cref="Owner"/> other
/// than the sender it is refused with <see cref="RefusalReason.InvalidRequest"/> and nothing changes.
/// </remarks>
/// <param name="Keys">The distinct keys to release.</param>
public sealed record ReleaseKeys(IReadOnlyList<object> Keys) : IOwnedLockRequest
{
    /// <summary>The distinct keys to release. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<object> Keys { get; init; } = KeyArray.Of(Keys);

    /// <inheritdoc />
    public IActorRef? Owner { get; init; }
}

/// <summary>
/// Releases every key the owner holds and withdraws all its pending waits (each answered with
/// <see cref="AwaitCancelled"/>). Replies <see cref="GoodbyeDone"/>.
/// </summary>
/// <remarks>
/// It presents no grant, so only the owner itself may send it: with an <see cref="Owner"/> other
/// than the sender it is refused with <see cref="RefusalReason.InvalidRequest"/> and nothing changes.
/// </remarks>
public sealed record Goodbye : IOwnedLockRequest
{
    /// <inheritdoc />
    public IActorRef? Owner { get; init; }
}

/// <summary>
/// Moves every key of <paramref name="Grant"/> to <paramref name="Heir"/> under a new grant with a
/// new fencing token. Ownership is checked as for <see cref="Release"/>. The giver gets
/// <see cref="GaveAway"/>, the heir <see cref="LockTransferred"/>.
/// </summary>
/// <remarks>The grant is the proof of ownership: any sender presenting it may give it away for its <see cref="Owner"/>.</remarks>
/// <param name="Grant">The grant to hand over.</param>
/// <param name="Heir">The new owner; must not be the current owner.</param>
/// <param name="GiftData">Any data to hand to the heir along with the lock.</param>
public sealed record GiveAway(LockGrant Grant, IActorRef Heir, object? GiftData = null) : IOwnedLockRequest
{
    /// <inheritdoc />
    public IActorRef? Owner { get; init; }
}

/// <summary>
/// Withdraws the owner's pending waits that involve any of <paramref name="Keys"/>, or all of
/// them when null. Each withdrawn wait is answered <see cref="AwaitCancelled"/>; nothing else is sent.
/// </summary>
/// <remarks>
/// Sent by the owner itself (or with no <see cref="Owner"/>), it withdraws any of the owner's waits;
/// sent by another actor for <see cref="Owner"/>, only the waits that actor requested (whose replies
/// go to it).
/// </remarks>
/// <param name="Keys">The keys whose waits to withdraw; null for every wait of the owner.</param>
public sealed record CancelAwait(IReadOnlyList<object>? Keys = null) : IOwnedLockRequest
{
    /// <summary>The keys whose waits to withdraw; null for every wait of the owner. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<object>? Keys { get; init; } = KeyArray.Of(Keys);

    /// <inheritdoc />
    public IActorRef? Owner { get; init; }
}

/// <summary>Asks who holds <paramref name="Key"/>. Replies <see cref="KeyOwner"/>.</summary>
/// <param name="Key">The key to look up.</param>
public sealed record WhereIs(object Key) : ILockRequest;

/// <summary>
/// Forwards <paramref name="Message"/> to the owner of <paramref name="Key"/>, keeping the original
/// sender. Replies <see cref="NoOwner"/> when the key is free.
/// </summary>
/// <param name="Key">The key whose owner should receive the message.</param>
/// <param name="Message">The message to forward.</param>
public sealed record SendToOwner(object Key, object Message) : ILockRequest;

/// <summary>Asks for the manager's configured metadata. Replies <see cref="ManagerMeta"/>.</summary>
public sealed record GetMeta : ILockRequest
{
    /// <summary>The one instance.</summary>
    public static GetMeta Instance { get; } = new();
}

/// <summary>Asks for the state of one key. Replies <see cref="KeyStatus"/>.</summary>
/// <param name="Key">The key to inspect.</param>
public sealed record Inspect(object Key) : ILockRequest;

// ---------------------------------------------------------------------------------------
// Replies and notifications
// ---------------------------------------------------------------------------------------

/// <summary>The requested key(s) are now held under <paramref name="Grant"/>.</summary>
/// <param name="Grant">Keys, owner and fencing token of the new lock.</param>
public sealed record LockAcquired(LockGrant Grant) : ILockReply;

/// <summary>A <see cref="TryLock"/> found the key taken.</summary>
/// <param name="Key">The requested key.</param>
/// <param name="Owner">
/// The current owner (possibly the requester itself), or null when the key is free but promised
/// to an earlier waiter.
/// </param>
public sealed record LockBusy(object Key, IActorRef? Owner) : ILockReply;

/// <summary>A wait ran out of time; the requester holds none of the keys and has no claim on them.</summary>
/// <param name="Keys">The request's keys, in the order given.</param>
public sealed record LockTimedOut(IReadOnlyList<object> Keys) : ILockReply
{
    /// <summary>The request's keys, in the order given. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<object> Keys { get; init; } = KeyArray.Of(Keys);
}

/// <summary>The request was refused; nothing changed.</summary>
/// <param name="Key">The offending key, or null for <see cref="RefusalReason.InvalidRequest"/>.</param>
/// <param name="Cause">Why the request was refused.</param>
/// <param name="Message">A sentence saying what was wrong, naming the key.</param>
public sealed record LockRefused(object? Key, RefusalReason Cause, string Message) : ILockReply;

/// <summary>A wait was withdrawn (by <see cref="CancelAwait"/>, <see cref="Goodbye"/> or the death of its owner).</summary>
/// <param name="Keys">The withdrawn request's keys, in the order given.</param>
public sealed record AwaitCancelled(IReadOnlyList<object> Keys) : ILockReply
{
    /// <summary>The withdrawn request's keys, in the order given. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<object> Keys { get; init; } = KeyArray.Of(Keys);
}

/// <summary>The keys were released and passed on to their waiters.</summary>
/// <param name="Keys">The released keys.</param>
public sealed record Released(IReadOnlyList<object> Keys) : ILockReply
{
    /// <summary>The released keys. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<object> Keys { get; init; } = KeyArray.Of(Keys);
}

/// <summary>A release or give-away failed; nothing was released.</summary>
/// <param name="Key">The first key that failed the ownership check.</param>
/// <param name="Cause">Why it failed.</param>
/// <param name="CurrentOwner">The key's current owner, if any.</param>
public sealed record ReleaseFailed(object Key, ReleaseFailure Cause, IActorRef? CurrentOwner) : ILockReply;

/// <summary>Every key of the owner was released and every wait withdrawn.</summary>
/// <param name="Keys">The keys that were released.</param>
public sealed record GoodbyeDone(IReadOnlyList<object> Keys) : ILockReply
{
    /// <summary>The keys that were released. Always a plain array, so the message survives serialization.</summary>
    public IReadOnlyList<object> Keys { get; init; } = KeyArray.Of(Keys);
}

/// <summary>The give-away succeeded; the heir now holds <paramref name="NewGrant"/>.</summary>
/// <param name="NewGrant">The heir's grant, with a new fencing token.</param>
public sealed record GaveAway(LockGrant NewGrant) : ILockReply;

/// <summary>Sent to the heir of a give-away: it now owns <paramref name="Grant"/>.</summary>
/// <param name="From">The previous owner.</param>
/// <param name="Grant">The heir's grant.</param>
/// <param name="GiftData">The data the giver attached.</param>
public sealed record LockTransferred(IActorRef From, LockGrant Grant, object? GiftData) : ILockReply;

/// <summary>Answer to <see cref="WhereIs"/>.</summary>
/// <param name="Key">The key asked about.</param>
/// <param name="Owner">Its owner, or null when it is free.</param>
public sealed record KeyOwner(object Key, IActorRef? Owner) : ILockReply;

/// <summary>Answer to <see cref="SendToOwner"/> when the key is free: the message was not delivered.</summary>
/// <param name="Key">The key asked about.</param>
public sealed record NoOwner(object Key) : ILockReply;

/// <summary>Answer to <see cref="GetMeta"/>.</summary>
/// <param name="Metadata">The manager's <see cref="LockManagerSettings.Metadata"/>.</param>
public sealed record ManagerMeta(object? Metadata) : ILockReply;

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
public sealed record LockHolder(IActorRef Owner, LockMode Mode, int Permits, long FencingToken);

/// <summary>One wait in a key's queue, as <see cref="Inspect"/> reports it.</summary>
/// <param name="Owner">The waiting owner.</param>
/// <param name="Mode">The mode it asks for.</param>
/// <param name="Permits">The permits it asks for.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="Keys">All keys of the wait (several for an <see cref="AwaitAll"/>), in the order given.</param>
public sealed record LockWaiter(IActorRef Owner, LockMode Mode, int Permits, int Priority, IReadOnlyList<object> Keys)
{
    /// <summary>Equal when every field is, the key lists compared item by item.</summary>
    /// <param name="other">The waiter to compare with.</param>
    /// <returns>True when both describe the same wait.</returns>
    public bool Equals(LockWaiter? other) =>
        other is not null
        && Equals(Owner, other.Owner)
        && Mode == other.Mode
        && Permits == other.Permits
        && Priority == other.Priority
        && Keys.SequenceEqual(other.Keys);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Owner, Mode, Permits, Priority, Keys.Count);
}

/// <summary>
/// Sent to an owner when a lock it held is lost without a release: the manager was restarted or
/// stopped and its state dropped.
/// </summary>
/// <param name="Grant">The grant that is lost, listing the keys that were still held under it.</param>
/// <param name="Message">What happened, in a sentence.</param>
public sealed record LockLost(LockGrant Grant, string Message) : ILockReply;

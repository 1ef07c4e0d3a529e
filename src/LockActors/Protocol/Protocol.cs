using Akka.Actor;
using Akka.Event;

namespace LockActors;

// The LockManager's protocol, in this folder: the markers and enums here, the requests in
// Requests.cs, the replies and notifications in Replies.cs, what Inspect reports in KeyStatus.cs.
// Requests implement ILockRequest; replies and notifications implement ILockReply.
// Messages carry only data (keys, actor references, grants): no delegates and no tasks,
// so every message crosses the wire through Akka's serialization.

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

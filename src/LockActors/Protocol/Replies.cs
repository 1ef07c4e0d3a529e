using Akka.Actor;

namespace LockActors;

// Every reply and notification the LockManager sends.

/// <summary>The requested key(s) are now held under <paramref name="Grant"/>.</summary>
/// <param name="Grant">Keys, owner and fencing token of the new lock.</param>
public sealed record LockAcquired(LockGrant Grant) : ILockReply;

/// <summary>A <see cref="TryLock"/> found the key taken.</summary>
/// <param name="Key">The requested key.</param>
/// <param name="Owner">
/// The current owner (possibly the requester itself), or null when the key is free but promised
/// to an earlier waiter.
/// </param>
public sealed record LockBusy(object Key, IActorRef? Owner) : ILockReply
{
    /// <summary>
    /// <see cref="Owner"/>'s label (<see cref="LockOptions.Label"/> of the request it holds the key
    /// under), so a busy answer can say who holds the key in words; null when it has none or the key
    /// is free.
    /// </summary>
    public string? OwnerLabel { get; init; }
}

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

/// <summary>
/// Sent to an owner when a lock it held is lost without a release: the manager was restarted or
/// stopped and its state dropped.
/// </summary>
/// <param name="Grant">The grant that is lost, listing the keys that were still held under it.</param>
/// <param name="Message">What happened, in a sentence.</param>
public sealed record LockLost(LockGrant Grant, string Message) : ILockReply;

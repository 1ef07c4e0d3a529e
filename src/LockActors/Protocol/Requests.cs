using Akka.Actor;

namespace LockActors;

// Every request the LockManager understands.

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

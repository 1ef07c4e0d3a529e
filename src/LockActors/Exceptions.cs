using Akka.Actor;

namespace LockActors;

/// <summary>Why a lock operation failed: the <see cref="LockException.Cause"/> of every exception of the family.</summary>
public enum LockFailure
{
    /// <summary>A wait ran out of time; nothing is held.</summary>
    Timeout,

    /// <summary>The owner waited for a key it already holds (<see cref="RefusalReason.SelfDeadlock"/>).</summary>
    SelfDeadlock,

    /// <summary>A key appears twice in the request (<see cref="RefusalReason.DuplicateKey"/>).</summary>
    DuplicateKey,

    /// <summary>The manager found the request malformed (<see cref="RefusalReason.InvalidRequest"/>).</summary>
    InvalidRequest,

    /// <summary>A give-away named an heir that already holds a key (<see cref="RefusalReason.AlreadyOwner"/>).</summary>
    AlreadyOwner,

    /// <summary>The manager restarted or stopped while the request was pending (<see cref="RefusalReason.ManagerRestarted"/>).</summary>
    ManagerRestarted,

    /// <summary>The key is in use with another capacity (<see cref="RefusalReason.CapacityMismatch"/>).</summary>
    CapacityMismatch,

    /// <summary>The manager is gone or did not answer in time: its node may be unreachable.</summary>
    ManagerUnavailable,

    /// <summary>A release or give-away found the key held by another owner (<see cref="ReleaseFailure.NotOwner"/>).</summary>
    NotOwner,

    /// <summary>A release or give-away found the key free (<see cref="ReleaseFailure.NotLocked"/>).</summary>
    NotLocked,

    /// <summary>A release or give-away presented an older grant than the one the key is held under (<see cref="ReleaseFailure.StaleGrant"/>).</summary>
    StaleGrant,

    /// <summary>The wait would have closed a deadlock between owners (<see cref="RefusalReason.Deadlock"/>); nothing is held.</summary>
    Deadlock,
}

/// <summary>
/// The base of every failure of a lock operation: which keys, and why (<see cref="Cause"/>). Catch
/// it to handle timed-out, refused and failed-release alike.
/// </summary>
public abstract class LockException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="keys">The keys of the request, in the order given (may be empty when the request had none).</param>
    /// <param name="cause">Why it failed.</param>
    /// <param name="message">A sentence naming the key(s) and what happened.</param>
    protected LockException(IReadOnlyList<object> keys, LockFailure cause, string message)
        : base(message)
    {
        Keys = keys;
        Cause = cause;
    }

    /// <summary>The keys of the failed request, in the order given.</summary>
    public IReadOnlyList<object> Keys { get; }

    /// <summary>The first (for a single-key request, the only) key, or null when the request had none.</summary>
    public object? Key => Keys.Count > 0 ? Keys[0] : null;

    /// <summary>Why the operation failed.</summary>
    public LockFailure Cause { get; }
}

/// <summary>A wait for one or more keys ran out of time; nothing is held and nothing is claimed.</summary>
public sealed class LockTimeoutException : LockException
{
    /// <summary>Creates the exception for <paramref name="keys"/>.</summary>
    /// <param name="keys">The keys that were awaited, in the order given.</param>
    public LockTimeoutException(IReadOnlyList<object> keys)
        : base(keys, LockFailure.Timeout, $"Timed out waiting for {KeyText.OfAll(keys)}.")
    {
    }
}

/// <summary>
/// The request was refused: a wait on a key the owner already holds, a wait that would close a
/// deadlock between owners, a capacity mismatch, a
/// give-away to an owner of the keys, a malformed request, or a manager that restarted, stopped or
/// cannot be reached (<see cref="LockFailure.ManagerUnavailable"/>). Nothing is held.
/// </summary>
public sealed class LockRefusedException : LockException
{
    /// <summary>Creates the exception from the manager's refusal.</summary>
    /// <param name="keys">The request's keys.</param>
    /// <param name="refusal">The manager's answer.</param>
    public LockRefusedException(IReadOnlyList<object> keys, LockRefused refusal)
        : base(keys, CauseOf(refusal.Cause), refusal.Message)
    {
        OffendingKey = refusal.Key;
    }

    /// <summary>Creates the exception for a failure found on this side.</summary>
    /// <param name="keys">The request's keys.</param>
    /// <param name="cause">Why the request failed.</param>
    /// <param name="message">A sentence naming the key(s) and what happened.</param>
    public LockRefusedException(IReadOnlyList<object> keys, LockFailure cause, string message)
        : base(keys, cause, message)
    {
    }

    /// <summary>The key the refusal names (the duplicate, the already-held key…), or null when it names none.</summary>
    public object? OffendingKey { get; }

    private static LockFailure CauseOf(RefusalReason reason) => reason switch
    {
        RefusalReason.SelfDeadlock => LockFailure.SelfDeadlock,
        RefusalReason.DuplicateKey => LockFailure.DuplicateKey,
        RefusalReason.AlreadyOwner => LockFailure.AlreadyOwner,
        RefusalReason.ManagerRestarted => LockFailure.ManagerRestarted,
        RefusalReason.CapacityMismatch => LockFailure.CapacityMismatch,
        RefusalReason.Deadlock => LockFailure.Deadlock,
        _ => LockFailure.InvalidRequest,
    };
}

/// <summary>A release or give-away failed: the lock was no longer held as the handle says.</summary>
public sealed class ReleaseException : LockException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="keys">The keys that were to be released.</param>
    /// <param name="failure">Why the release failed.</param>
    /// <param name="currentOwner">The current owner of the first failing key, if any.</param>
    /// <param name="failedKey">The first key that failed the check; defaults to the first key.</param>
    public ReleaseException(IReadOnlyList<object> keys, ReleaseFailure failure, IActorRef? currentOwner, object? failedKey = null)
        : base(keys, CauseOf(failure), Describe(keys, failure, currentOwner, failedKey ?? (keys.Count > 0 ? keys[0] : null)))
    {
        CurrentOwner = currentOwner;
    }

    /// <summary>The current owner of the first failing key, if any.</summary>
    public IActorRef? CurrentOwner { get; }

    private static LockFailure CauseOf(ReleaseFailure failure) => failure switch
    {
        ReleaseFailure.NotOwner => LockFailure.NotOwner,
        ReleaseFailure.NotLocked => LockFailure.NotLocked,
        _ => LockFailure.StaleGrant,
    };

    private static string Describe(IReadOnlyList<object> keys, ReleaseFailure failure, IActorRef? owner, object? key)
    {
        var what = $"Could not release {KeyText.OfAll(keys)}";
        return failure switch
        {
            ReleaseFailure.NotOwner => $"{what}: key {KeyText.Of(key)} is held by {owner?.Path.ToString() ?? "another owner"}.",
            ReleaseFailure.NotLocked => $"{what}: key {KeyText.Of(key)} is not locked.",
            _ => $"{what}: key {KeyText.Of(key)} is held under a newer grant (stale fencing token).",
        };
    }
}

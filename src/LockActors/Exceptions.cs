using Akka.Actor;

namespace LockActors;

/// <summary>Thrown by <c>LockClient.LockAsync</c> when the key is taken.</summary>
public sealed class LockBusyException : Exception
{
    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    /// <param name="key">The key that was busy.</param>
    /// <param name="owner">Its owner, or null when it is promised to an earlier waiter.</param>
    public LockBusyException(object key, IActorRef? owner)
        : base(owner is null
            ? $"Key {KeyText.Of(key)} is free but promised to an earlier waiter."
            : $"Key {KeyText.Of(key)} is already locked by {owner.Path}.")
    {
        Key = key;
        Owner = owner;
    }

    /// <summary>The key that was busy.</summary>
    public object Key { get; }

    /// <summary>Its owner when the manager answered, or null when it was promised to an earlier waiter.</summary>
    public IActorRef? Owner { get; }
}

/// <summary>Thrown when a wait for one or more keys ran out of time; nothing is held.</summary>
public sealed class LockTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for <paramref name="keys"/>.</summary>
    /// <param name="keys">The keys that were awaited, in the order given.</param>
    public LockTimeoutException(IReadOnlyList<object> keys)
        : base($"Timed out waiting for {KeyText.OfAll(keys)}.")
    {
        Keys = keys;
    }

    /// <summary>The keys that were awaited, in the order given.</summary>
    public IReadOnlyList<object> Keys { get; }
}

/// <summary>
/// Thrown when the manager refused a request: a wait on a key the owner already holds
/// (<see cref="RefusalReason.SelfDeadlock"/>), a manager restart while waiting, a give-away to
/// the current owner, or a malformed request.
/// </summary>
public sealed class LockRefusedException : Exception
{
    /// <summary>Creates the exception from the manager's refusal.</summary>
    /// <param name="key">The offending key, if any.</param>
    /// <param name="reason">Why the manager refused.</param>
    /// <param name="message">The manager's explanation.</param>
    public LockRefusedException(object? key, RefusalReason reason, string message)
        : base(message)
    {
        Key = key;
        Reason = reason;
    }

    /// <summary>The offending key, or null when the request as a whole was invalid.</summary>
    public object? Key { get; }

    /// <summary>Why the manager refused.</summary>
    public RefusalReason Reason { get; }
}

/// <summary>Thrown when a release or give-away failed: the lock was no longer held as the handle says.</summary>
public sealed class ReleaseException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="keys">The keys that were to be released.</param>
    /// <param name="cause">Why the release failed.</param>
    /// <param name="currentOwner">The current owner of the first failing key, if any.</param>
    /// <param name="failedKey">The first key that failed the check; defaults to the first key.</param>
    public ReleaseException(IReadOnlyList<object> keys, ReleaseFailure cause, IActorRef? currentOwner, object? failedKey = null)
        : base(Describe(keys, cause, currentOwner, failedKey ?? (keys.Count > 0 ? keys[0] : null)))
    {
        Keys = keys;
        Cause = cause;
        CurrentOwner = currentOwner;
    }

    /// <summary>The keys that were to be released.</summary>
    public IReadOnlyList<object> Keys { get; }

    /// <summary>Why the release failed.</summary>
    public ReleaseFailure Cause { get; }

    /// <summary>The current owner of the first failing key, if any.</summary>
    public IActorRef? CurrentOwner { get; }

    private static string Describe(IReadOnlyList<object> keys, ReleaseFailure cause, IActorRef? owner, object? key)
    {
        var what = $"Could not release {KeyText.OfAll(keys)}";
        return cause switch
        {
            ReleaseFailure.NotOwner => $"{what}: key {KeyText.Of(key)} is held by {owner?.Path.ToString() ?? "another owner"}.",
            ReleaseFailure.NotLocked => $"{what}: key {KeyText.Of(key)} is not locked.",
            _ => $"{what}: key {KeyText.Of(key)} is held under a newer grant (stale fencing token).",
        };
    }
}

/// <summary>Formats keys for messages: strings quoted, everything else as <c>ToString()</c>.</summary>
internal static class KeyText
{
    public static string Of(object? key)
    {
        try
        {
            return key switch
            {
                null => "null",
                string s => $"\"{s}\"",
                _ => $"{key} ({key.GetType().Name})",
            };
        }
        catch (Exception e)
        {
            // A key's ToString must never turn a refusal into a crash.
            return $"<{key!.GetType().Name}: ToString threw {e.GetType().Name}>";
        }
    }

    public static string OfAll(IReadOnlyList<object> keys)
    {
        if (keys.Count == 1)
        {
            return $"key {Of(keys[0])}";
        }

        const int shown = 8;
        var parts = keys.Take(shown).Select(Of);
        var more = keys.Count > shown ? $", … ({keys.Count - shown} more)" : "";
        return $"keys [{string.Join(", ", parts)}{more}]";
    }
}

namespace LockActors.Client;

/// <summary>What a request of a <see cref="LockOwnerRef"/> is for, which decides how its reply completes the caller's task.</summary>
internal enum RequestKind
{
    /// <summary>TryLock for <c>LockClient.TryLockAsync</c>: busy gives null.</summary>
    TryLock,

    /// <summary>Await or AwaitAll for the try verbs: a time-out gives null.</summary>
    TryAwait,

    /// <summary>Await or AwaitAll: the manager times the wait out; cancellation withdraws it.</summary>
    Await,

    /// <summary><see cref="LockHandle.ReleaseAsync"/>.</summary>
    Release,

    /// <summary><see cref="LockHandle.DisposeAsync"/>: a lock already gone is no error.</summary>
    Dispose,

    /// <summary><see cref="LockHandle.GiveAwayAsync"/>.</summary>
    GiveAway,
}

namespace LockActors.Chaos;

/// <summary>What a <see cref="ChaosOwner"/> asked the manager for.</summary>
internal enum OwnerRequestKind { TryLock, Await, Release, GiveAway, Goodbye, WhereIs, Inspect }

/// <summary>The one request an owner waits on, with what it needs to check the reply.</summary>
/// <param name="Kind">What was asked.</param>
/// <param name="Request">The request message.</param>
/// <param name="Keys">Its keys, in the order given (none for a goodbye).</param>
/// <param name="Terms">The terms of a lock request; null for the others.</param>
/// <param name="SentAt">When it was sent (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</param>
/// <param name="Grant">The grant released or given away; null for the others.</param>
internal sealed record PendingRequest(OwnerRequestKind Kind, object Request, IReadOnlyList<object> Keys, ChaosTerms? Terms, long SentAt, LockGrant? Grant)
{
    /// <summary>The capacity of a lock being given away.</summary>
    public int Capacity { get; init; } = 1;
}

/// <summary>A grant an owner holds, with the critical sections it is still inside (one per key not yet released).</summary>
internal sealed class HeldGrant(LockGrant grant, int capacity)
{
    public LockGrant Grant { get; } = grant;

    public int Capacity { get; } = capacity;

    public Dictionary<object, Holding> Keys { get; } = [];

    public void LeaveAll(CriticalSectionRecorder recorder, LeaveReason reason)
    {
        foreach (var holding in Keys.Values)
        {
            recorder.Leave(holding, reason);
        }

        Keys.Clear();
    }
}


namespace LockActors.Tests.Table;

/// <summary>How often a run reached the states the property is about (see the generator guard test).</summary>
internal sealed class Coverage
{
    public int Operations;
    public int SharedHoldersTogether;
    public int SemaphoreHoldersTogether;
    public int ExclusiveWaiterBlocksLaterShared;
    public int GrantedOnArrivalPastLowerPriority;
    public int QueuedBehindSamePriority;
    public int CapacityMismatches;
    public int InvalidTerms;
    public int BusyWithSeveralHolders;
    public int Deadlocks;

    public IEnumerable<(string What, int Count)> Counts() =>
    [
        ("two or more shared holders of a key", SharedHoldersTogether),
        ("two or more holders of a semaphore key", SemaphoreHoldersTogether),
        ("a shared request queued behind an exclusive waiter on a shared key", ExclusiveWaiterBlocksLaterShared),
        ("a request granted on arrival past lower-priority waiters", GrantedOnArrivalPastLowerPriority),
        ("two waits of one priority queued for one key", QueuedBehindSamePriority),
        ("a capacity mismatch refused", CapacityMismatches),
        ("invalid terms refused", InvalidTerms),
        ("TryLock busy on a key with several holders", BusyWithSeveralHolders),
        ("a wait refused as closing a deadlock", Deadlocks),
    ];

    public override string ToString() => string.Join("\n", Counts().Select(c => $"  {c.What}: {c.Count}"));
}

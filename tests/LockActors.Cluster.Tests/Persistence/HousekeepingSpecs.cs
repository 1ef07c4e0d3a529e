using Akka.TestKit.Xunit2;
using LockActors.Cluster.Persistence;
using Xunit;
using static LockActors.Cluster.Tests.Persistence.PersistenceTestConfig;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>
/// After a snapshot, the old events and then the old snapshots are deleted, one store operation at
/// a time: journal writes wait for a deletion, and the snapshots' deletion waits for the events'.
/// </summary>
public sealed class HousekeepingSpecs() : TestKit(
    WithPlugins(typeof(HeldDeletionJournal), typeof(RecordingSnapshotStore)), $"housekeeping-{Guid.NewGuid():N}")
{
    [Fact]
    public async Task Old_snapshots_are_deleted_after_the_old_events_and_writes_wait_for_both()
    {
        var deletions = HeldDeletions.For(Sys.Name);
        var manager = Sys.ActorOf(PersistentLockManager.Props(LockManagerSettings.Default, Options(snapshotEvery: 1)));
        var owner = CreateTestProbe();

        // Event 1, its snapshot, and the deletion of event 1 (no older snapshot to delete).
        owner.Send(manager, new TryLock("key-1"));
        owner.ExpectMsg<LockAcquired>(Patience);
        (await deletions.EventDeletions.Reader.ReadAsync().AsTask().WaitAsync(Patience)).SetResult();

        // Event 2, its snapshot; the deletion of event 2 is held.
        owner.Send(manager, new TryLock("key-2"));
        owner.ExpectMsg<LockAcquired>(Patience);
        var heldDeletion = await deletions.EventDeletions.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        // While it is held, nothing else reaches the stores: no deletion of snapshot 1, no write.
        owner.Send(manager, new TryLock("key-3"));
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Empty(deletions.SnapshotDeletions);

        heldDeletion.SetResult();
        Assert.Equal("key-3", owner.ExpectMsg<LockAcquired>(Patience).Grant.Keys[0]);
        await AwaitAssertAsync(() => Assert.Equal([1L], deletions.SnapshotDeletions.Take(1)), Patience);
    }
}

using Akka.TestKit.Xunit2;
using LockActors.Cluster.Persistence;
using Xunit;
using static LockActors.Cluster.Tests.Persistence.PersistenceTestConfig;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>One write in flight; everything handled meanwhile goes to the journal as the next write, and no reply before its write.</summary>
public sealed class GroupCommitSpecs() : TestKit(WithPlugins(typeof(GatedJournal)), $"group-commit-{Guid.NewGuid():N}")
{
    [Fact]
    public async Task Requests_that_arrive_during_a_write_are_written_together_and_answered_after_it()
    {
        var gate = GatedJournal.For(Sys.Name);
        var manager = Sys.ActorOf(PersistentLockManager.Props(LockManagerSettings.Default, Options()));
        var owners = Enumerable.Range(0, 50).Select(_ => CreateTestProbe()).ToList();

        // The first grant's write is held at the journal; the other 49 requests are in the
        // manager's mailbox before the journal can answer it.
        owners[0].Send(manager, new TryLock("key-0"));
        await gate.WriteStarted.Task.WaitAsync(Patience);
        for (var i = 1; i < owners.Count; i++)
        {
            owners[i].Send(manager, new TryLock($"key-{i}"));
        }

        owners[0].ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        gate.Open.TrySetResult();

        for (var i = 0; i < owners.Count; i++)
        {
            Assert.Equal($"key-{i}", owners[i].ExpectMsg<LockAcquired>(Patience).Grant.Keys[0]);
        }

        Assert.Equal([1, 49], gate.Sizes.ToArray());
        Assert.Equal(2, gate.Entries.Sum());
    }
}

using Akka.Actor;
using Akka.Pattern;
using Akka.Persistence.TestKit;
using Akka.TestKit.Xunit2;
using LockActors.Cluster.Persistence;
using Xunit;
using static LockActors.Cluster.Tests.Persistence.PersistenceTestConfig;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>A journal that fails a write stops the manager before it answers; its supervisor starts it again from the journal.</summary>
public sealed class WriteFailureSpecs() : TestKit(InMemory)
{
    [Fact]
    public async Task A_failed_write_stops_the_manager_unanswered_and_the_supervisor_recovers_it()
    {
        var supervisor = Sys.ActorOf(PersistentLockManager.SupervisedProps(LockManagerSettings.Default, Options()));
        var holder = CreateTestProbe();
        holder.Send(supervisor, new TryLock("ledger"));
        var grant = holder.ExpectMsg<LockAcquired>(Patience).Grant;
        var failedManager = CurrentManager(supervisor);
        Watch(failedManager);

        var journal = TestJournal.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null));
        await journal.OnWrite.Fail();
        var unanswered = CreateTestProbe();
        unanswered.Send(supervisor, new TryLock("audit"));
        unanswered.Send(supervisor, new WhereIs("audit"));
        ExpectTerminated(failedManager, Patience);
        await journal.OnWrite.Pass();

        // The supervisor starts a new manager, which recovers what was durable: the holder's grant,
        // and nothing of the request whose write failed.
        await AwaitAssertAsync(() =>
        {
            var status = StatusOf(supervisor, "ledger");
            Assert.Equal(holder.Ref, status.Owner);
            Assert.Equal(grant.FencingToken, status.FencingToken);
        }, Patience);
        Assert.Null(StatusOf(supervisor, "audit").Owner);
        Assert.NotEqual(failedManager, CurrentManager(supervisor));
        unanswered.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // The recovered manager works: the key the unanswered request named is free to take.
        unanswered.Send(supervisor, new TryLock("audit"));
        Assert.True(unanswered.ExpectMsg<LockAcquired>(Patience).Grant.FencingToken > grant.FencingToken);
    }

    [Fact]
    public void HandOver_saves_a_snapshot_and_stops_the_supervisor_for_good()
    {
        var options = Options();
        var supervisor = Sys.ActorOf(PersistentLockManager.SupervisedProps(LockManagerSettings.Default, options));
        var holder = CreateTestProbe();
        holder.Send(supervisor, new TryLock("handed"));
        var grant = holder.ExpectMsg<LockAcquired>(Patience).Grant;
        Watch(supervisor);
        supervisor.Tell(PersistentLockManager.HandOver.Instance);
        ExpectTerminated(supervisor, Patience);

        var next = Sys.ActorOf(PersistentLockManager.Props(LockManagerSettings.Default, options));
        var status = StatusOf(next, "handed");
        Assert.Equal(grant.FencingToken, status.FencingToken);
        holder.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    private IActorRef CurrentManager(IActorRef supervisor)
    {
        var probe = CreateTestProbe();
        probe.Send(supervisor, BackoffSupervisor.GetCurrentChild.Instance);
        return probe.ExpectMsg<BackoffSupervisor.CurrentChild>(Patience).Ref;
    }

    private KeyStatus StatusOf(IActorRef manager, string key)
    {
        var probe = CreateTestProbe();
        probe.Send(manager, new Inspect(key));
        return probe.ExpectMsg<KeyStatus>(TimeSpan.FromSeconds(2));
    }
}

using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using LockActors.Cluster.Persistence;
using Xunit;
using static LockActors.Cluster.Tests.Persistence.PersistenceTestConfig;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>A persistent manager stopped and started again on its journal carries on where it stopped.</summary>
public sealed class RecoverySpecs() : TestKit(InMemory)
{
    private static readonly LockManagerSettings Settings = LockManagerSettings.Default;

    [Fact]
    public void A_restarted_manager_keeps_holders_tokens_and_waiters_in_order()
    {
        var options = Options();
        var manager = Start(options);
        var (holder, first, second) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        holder.Send(manager, new TryLock("orders"));
        var grant = holder.ExpectMsg<LockAcquired>(Patience).Grant;
        first.Send(manager, new Await("orders", TimeSpan.FromMinutes(5)));
        second.Send(manager, new Await("orders", Timeout.InfiniteTimeSpan));
        Assert.Equal([first.Ref, second.Ref], StatusOf(manager, "orders").Waiters);

        Restart(ref manager, options);

        var status = StatusOf(manager, "orders");
        Assert.Equal(holder.Ref, status.Owner);
        Assert.Equal(grant.FencingToken, status.FencingToken);
        Assert.Equal([first.Ref, second.Ref], status.Waiters);

        // The holder's grant still works, the queue moves on in order with larger tokens, and the
        // recovered waiters are watched again: the first one's death passes the key on.
        holder.Send(manager, new Release(grant));
        holder.ExpectMsg<Released>(Patience);
        var firstGrant = first.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.True(firstGrant.FencingToken > grant.FencingToken);
        Sys.Stop(first.Ref);
        var secondGrant = second.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.True(secondGrant.FencingToken > firstGrant.FencingToken);
        holder.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Tokens_keep_increasing_across_restarts_and_snapshots()
    {
        var options = Options(snapshotEvery: 2);
        var manager = Start(options);
        var owner = CreateTestProbe();
        long last = 0;
        for (var round = 0; round < 3; round++)
        {
            owner.Send(manager, new TryLock($"key-{round}"));
            var grant = owner.ExpectMsg<LockAcquired>(Patience).Grant;
            Assert.True(grant.FencingToken > last, $"token {grant.FencingToken} after {last}");
            last = grant.FencingToken;
            Restart(ref manager, options);
            Assert.Equal(grant.FencingToken, StatusOf(manager, $"key-{round}").FencingToken);
        }
    }

    [Fact]
    public void A_waiter_whose_time_runs_out_across_a_restart_times_out_and_never_early()
    {
        var options = Options();
        var manager = Start(options);
        var (holder, waiter) = (CreateTestProbe(), CreateTestProbe());
        holder.Send(manager, new TryLock("report"));
        holder.ExpectMsg<LockAcquired>(Patience);
        var timeout = TimeSpan.FromSeconds(2);
        var asked = DateTime.UtcNow;
        waiter.Send(manager, new Await("report", timeout));
        Assert.Equal([waiter.Ref], StatusOf(manager, "report").Waiters);

        Restart(ref manager, options);

        waiter.ExpectMsg<LockTimedOut>(Patience);
        Assert.True(DateTime.UtcNow - asked >= timeout - TimeSpan.FromMilliseconds(20), "the wait timed out early");
        var status = StatusOf(manager, "report");
        Assert.Equal(holder.Ref, status.Owner);
        Assert.Empty(status.Queue);
    }

    [Fact]
    public async Task A_manager_stopped_with_everything_durable_leaves_a_snapshot_of_it()
    {
        var options = Options();
        var manager = Start(options);
        var owner = CreateTestProbe();
        owner.Send(manager, new TryLock("stopped"));
        var grant = owner.ExpectMsg<LockAcquired>(Patience).Grant;
        Watch(manager);
        Sys.Stop(manager);
        ExpectTerminated(manager, Patience);

        var store = Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        await AwaitAssertAsync(async () =>
        {
            var loaded = await store.Ask<Akka.Persistence.LoadSnapshotResult>(
                new Akka.Persistence.LoadSnapshot(options.PersistenceId, Akka.Persistence.SnapshotSelectionCriteria.Latest, long.MaxValue), Patience);
            var snapshot = Assert.IsType<Table.Events.LockTableSnapshot>(loaded.Snapshot?.Snapshot);
            Assert.Equal(1, loaded.Snapshot!.Metadata.SequenceNr);
            Assert.Equal(grant.FencingToken, Assert.Single(snapshot.Holdings).FencingToken);
        }, Patience);
    }

    [Fact]
    public void Replies_to_one_sender_keep_their_order_while_writes_are_batched()
    {
        var manager = Start(Options());
        var owner = CreateTestProbe();
        for (var i = 0; i < 200; i++)
        {
            owner.Send(manager, new TryLock($"batch-{i}"));
            owner.Send(manager, new WhereIs($"batch-{i}"));
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal($"batch-{i}", owner.ExpectMsg<LockAcquired>(Patience).Grant.Keys[0]);
            Assert.Equal(owner.Ref, owner.ExpectMsg<KeyOwner>(Patience).Owner);
        }
    }

    private IActorRef Start(PersistenceOptions options) => Sys.ActorOf(PersistentLockManager.Props(Settings, options));

    private void Restart(ref IActorRef manager, PersistenceOptions options)
    {
        Watch(manager);
        Sys.Stop(manager);
        ExpectTerminated(manager, Patience);
        manager = Start(options);
    }

    private KeyStatus StatusOf(IActorRef manager, string key)
    {
        var probe = CreateTestProbe();
        probe.Send(manager, new Inspect(key));
        return probe.ExpectMsg<KeyStatus>(Patience);
    }
}

using Akka.Configuration;
using Xunit;
using static LockActors.Cluster.Tests.Persistence.PersistenceTestConfig;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>
/// The persistent manager on a real journal: Akka.Persistence.Sql over a SQLite file, so events and
/// snapshots go through serialization and the database's constraints.
/// </summary>
public sealed class SqliteJournalSpecs() : SqliteJournalTestKit(Config.Empty)
{
    [Fact]
    public void A_manager_restarted_on_the_SQLite_file_keeps_holders_waiters_and_tokens()
    {
        var options = Options(snapshotEvery: 3);
        var manager = Start(options);
        var (holder, shared, waiter) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        holder.Send(manager, new AwaitAll(["invoice-1", "invoice-2"], TimeSpan.FromSeconds(5)));
        var grant = holder.ExpectMsg<LockAcquired>(Patience).Grant;
        shared.Send(manager, new TryLock("catalog") { Options = LockOptions.Shared });
        var sharedGrant = shared.ExpectMsg<LockAcquired>(Patience).Grant;
        waiter.Send(manager, new Await("invoice-2", TimeSpan.FromMinutes(5)));
        holder.Send(manager, new TryLock("audit"));
        holder.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal([waiter.Ref], StatusOf(manager, "invoice-2").Waiters);

        Watch(manager);
        Sys.Stop(manager);
        ExpectTerminated(manager, Patience);
        manager = Start(options);

        var invoice = StatusOf(manager, "invoice-2");
        Assert.Equal(holder.Ref, invoice.Owner);
        Assert.Equal(grant.FencingToken, invoice.FencingToken);
        Assert.Equal([waiter.Ref], invoice.Waiters);
        var catalog = StatusOf(manager, "catalog");
        Assert.Equal(LockMode.Shared, Assert.Single(catalog.Holders).Mode);
        Assert.Equal(sharedGrant.FencingToken, catalog.FencingToken);

        holder.Send(manager, new Release(grant));
        holder.ExpectMsg<Released>(Patience);
        var next = waiter.ExpectMsg<LockAcquired>(Patience).Grant;
        Assert.True(next.FencingToken > grant.FencingToken);
    }

    [Fact]
    public void Two_managers_on_one_journal_never_both_acknowledge_a_conflicting_grant()
    {
        var options = Options();
        var (first, second) = (Start(options), Start(options));

        // Both have recovered the same (empty) journal once they answer.
        Assert.Null(StatusOf(first, "ledger").Owner);
        Assert.Null(StatusOf(second, "ledger").Owner);

        var (winner, loser) = (CreateTestProbe(), CreateTestProbe());
        winner.Send(first, new TryLock("ledger"));
        var grant = winner.ExpectMsg<LockAcquired>(Patience).Grant;

        // The second manager still believes the key free and grants it on its table, but its write
        // takes a sequence number the first one already wrote: the journal refuses it, and the
        // manager stops without answering.
        Watch(second);
        loser.Send(second, new TryLock("ledger"));
        ExpectTerminated(second, Patience);
        loser.ExpectNoMsg(TimeSpan.FromMilliseconds(500));

        Assert.Equal(grant.FencingToken, StatusOf(first, "ledger").FencingToken);
        var recovered = Start(options);
        Assert.Equal(winner.Ref, StatusOf(recovered, "ledger").Owner);
    }
}

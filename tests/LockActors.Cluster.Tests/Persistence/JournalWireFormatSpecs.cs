using LockActors.Serialization;
using Microsoft.Data.Sqlite;
using Xunit;
using static LockActors.Cluster.Tests.Persistence.PersistenceTestConfig;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>
/// With the wire format bound, the persistent manager's journal and snapshot store keep the lock
/// table's events and snapshots in it (not as JSON), and a manager restarted on them recovers its
/// holders, waiters and tokens: actor references and keys written by one incarnation resolve in the next.
/// </summary>
public sealed class JournalWireFormatSpecs() : SqliteJournalTestKit(LockActorsSerialization.Configuration)
{
    [Fact]
    public void Events_and_snapshots_are_stored_in_the_wire_format_and_recovered_from_it()
    {
        var options = Options(snapshotEvery: 4);
        var manager = Start(options);
        var (holder, waiter) = (CreateTestProbe(), CreateTestProbe());
        var guid = Guid.NewGuid();
        holder.Send(manager, new AwaitAll(["invoice", 7, 7L, guid], TimeSpan.FromSeconds(5)));
        var grant = holder.ExpectMsg<LockAcquired>(Patience).Grant;
        waiter.Send(manager, new Await(guid, TimeSpan.FromMinutes(5)));
        holder.Send(manager, new TryLock("audit"));
        holder.ExpectMsg<LockAcquired>(Patience);
        holder.Send(manager, new TryLock("ledger"));
        holder.ExpectMsg<LockAcquired>(Patience);
        Assert.Equal([waiter.Ref], StatusOf(manager, guid).Waiters);

        // Every event is durable before its reply; the snapshot is saved alongside, so wait for it.
        AwaitAssert(() => Assert.NotEmpty(SerializerIds("snapshot", "serializer_id")), Patience);
        Watch(manager);
        Sys.Stop(manager);
        ExpectTerminated(manager, Patience);

        Assert.Equal([LockActorsSerialization.SerializerId], SerializerIds("journal", "identifier"));
        Assert.Equal([LockActorsSerialization.SerializerId], SerializerIds("snapshot", "serializer_id"));

        manager = Start(options);
        var status = StatusOf(manager, guid);
        Assert.Equal(holder.Ref, status.Owner);
        Assert.Equal(grant.FencingToken, status.FencingToken);
        Assert.Equal([waiter.Ref], status.Waiters);
        Assert.Equal(holder.Ref, StatusOf(manager, 7).Owner);
        Assert.Null(StatusOf(manager, "7").Owner);

        holder.Send(manager, new Release(grant));
        holder.ExpectMsg<Released>(Patience);
        Assert.True(waiter.ExpectMsg<LockAcquired>(Patience).Grant.FencingToken > grant.FencingToken);
    }

    /// <summary>The distinct serializer ids (in <paramref name="column"/>) of the rows of <paramref name="table"/>.</summary>
    private int[] SerializerIds(string table, string column)
    {
        using var connection = new SqliteConnection($"Data Source={JournalPath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT {column} FROM {table}";
        using var reader = command.ExecuteReader();
        var ids = new List<int>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt32(0));
        }

        return [.. ids];
    }
}

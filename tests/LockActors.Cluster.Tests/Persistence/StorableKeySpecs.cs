using Akka.Actor;
using Akka.TestKit.Xunit2;
using LockActors.Cluster.Persistence;
using Xunit;
using static LockActors.Cluster.Tests.Persistence.PersistenceTestConfig;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>A key the journal cannot store as the same key is refused; the manager goes on.</summary>
public sealed class StorableKeySpecs() : TestKit(InMemory)
{
    [Fact]
    public void A_key_that_does_not_come_back_equal_is_refused_and_the_manager_goes_on()
    {
        var manager = Sys.ActorOf(PersistentLockManager.Props(LockManagerSettings.Default, Options()));
        var owner = CreateTestProbe();
        var key = new IdentityKey("printer");
        owner.Send(manager, new TryLock(key));
        var refused = owner.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.InvalidRequest, refused.Cause);
        Assert.Same(key, refused.Key);
        Assert.Contains(typeof(IdentityKey).FullName!, refused.Message);
        Assert.Null(StatusOf(manager, "printer").Owner);

        owner.Send(manager, new AwaitAll(["scanner", new ThrowingKey()], TimeSpan.FromSeconds(1)));
        Assert.Contains("serialization failed", owner.ExpectMsg<LockRefused>(Patience).Message);
        Assert.Null(StatusOf(manager, "scanner").Owner);

        owner.Send(manager, new TryLock(new RecordKey("tenant", 7)));
        owner.ExpectMsg<LockAcquired>(Patience);
        owner.Send(manager, new TryLock(42));
        owner.ExpectMsg<LockAcquired>(Patience);
    }

    [Fact]
    public void A_key_with_value_equality_survives_a_restart()
    {
        var options = Options();
        var manager = Sys.ActorOf(PersistentLockManager.Props(LockManagerSettings.Default, options));
        var owner = CreateTestProbe();
        owner.Send(manager, new TryLock(new RecordKey("tenant", 7)));
        var grant = owner.ExpectMsg<LockAcquired>(Patience).Grant;
        Watch(manager);
        Sys.Stop(manager);
        ExpectTerminated(manager, Patience);

        manager = Sys.ActorOf(PersistentLockManager.Props(LockManagerSettings.Default, options));
        var probe = CreateTestProbe();
        probe.Send(manager, new Inspect(new RecordKey("tenant", 7)));
        Assert.Equal(grant.FencingToken, probe.ExpectMsg<KeyStatus>(Patience).FencingToken);
    }

    private KeyStatus StatusOf(IActorRef manager, object key)
    {
        var probe = CreateTestProbe();
        probe.Send(manager, new Inspect(key));
        return probe.ExpectMsg<KeyStatus>(Patience);
    }

    /// <summary>A key equal only to itself: a deserialized copy is another key.</summary>
    public sealed class IdentityKey(string name)
    {
        public string Name { get; } = name;
    }

    /// <summary>A key whose serialization throws.</summary>
    public sealed class ThrowingKey
    {
        public string Name => throw new InvalidOperationException("no name");
    }

    public sealed record RecordKey(string Kind, int Id);
}

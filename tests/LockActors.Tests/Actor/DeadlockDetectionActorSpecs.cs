using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LockActors.Tests.Actor;

// Guarantee: when waits of different owners would form a cycle (each waiting for a key the next
// one holds), the wait that closes it is refused at once with LockRefused(Deadlock) naming the
// cycle, instead of hanging until a timeout; the refused owner keeps what it holds and the other
// waits are unaffected. Without a cycle, nothing is refused.
public sealed class DeadlockDetectionActorSpecs : LockSpecBase
{
    public DeadlockDetectionActorSpecs(ITestOutputHelper output) : base(output)
    {
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    public void The_wait_closing_a_cycle_of_owners_is_refused_at_once_and_the_others_go_on(int size)
    {
        var manager = NewManager();
        var owners = Enumerable.Range(0, size).Select(_ => CreateTestProbe()).ToArray();
        var grants = new LockGrant[size];
        for (var i = 0; i < size; i++)
        {
            grants[i] = Lock(manager, owners[i], $"cycle-{size}-{i}");
        }

        for (var i = 0; i < size - 1; i++)
        {
            owners[i].Send(manager, new Await($"cycle-{size}-{i + 1}", Timeout.InfiniteTimeSpan));
            AwaitWaiting(manager, $"cycle-{size}-{i + 1}", owners[i].Ref);
        }

        var last = owners[^1];
        last.Send(manager, new Await($"cycle-{size}-0", Timeout.InfiniteTimeSpan));

        var refused = last.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.Deadlock, refused.Cause);
        Assert.Equal($"cycle-{size}-0", refused.Key);
        Assert.Contains($"{last.Ref.Path} waits for \"cycle-{size}-0\" held by {owners[0].Ref.Path}", refused.Message);
        Assert.Contains($"{owners[0].Ref.Path} waits for \"cycle-{size}-1\" held by {owners[1].Ref.Path}", refused.Message);
        Assert.Empty(Inspect(manager, $"cycle-{size}-0").Waiters);
        Assert.Equal(last.Ref, WhereIs(manager, $"cycle-{size}-{size - 1}"));

        // The refused owner still holds its key: releasing it unwinds the chain, one grant after another.
        Release(manager, last, grants[^1]);
        for (var i = size - 2; i >= 0; i--)
        {
            var granted = owners[i].ExpectMsg<LockAcquired>(Patience).Grant;
            Assert.Equal($"cycle-{size}-{i + 1}", granted.Keys.Single());
            Release(manager, owners[i], grants[i]);
            Release(manager, owners[i], granted);
        }
    }

    [Fact]
    public void A_chain_without_the_closing_wait_is_queued_without_refusal()
    {
        var manager = NewManager();
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Lock(manager, a, "chain-1");
        Lock(manager, b, "chain-2");
        var cGrant = Lock(manager, c, "chain-3");

        a.Send(manager, new Await("chain-2", Timeout.InfiniteTimeSpan));
        b.Send(manager, new Await("chain-3", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "chain-3", b.Ref);

        a.ExpectNoMsg(Brief);
        b.ExpectNoMsg(Brief);
        Release(manager, c, cGrant);
        Assert.Equal("chain-3", b.ExpectMsg<LockAcquired>(Patience).Grant.Keys.Single());
    }

    [Fact]
    public void A_cycle_through_a_shared_key_is_refused_with_the_matching_client_failure()
    {
        var manager = NewManager();
        var (reader, writer) = (CreateTestProbe(), CreateTestProbe());
        reader.Send(manager, new TryLock("shared-doc") { Options = LockOptions.Shared });
        reader.ExpectMsg<LockAcquired>(Patience);
        Lock(manager, writer, "shared-k");
        writer.Send(manager, new Await("shared-doc", Timeout.InfiniteTimeSpan));
        AwaitWaiting(manager, "shared-doc", writer.Ref);

        reader.Send(manager, new Await("shared-k", Timeout.InfiniteTimeSpan));

        var refused = reader.ExpectMsg<LockRefused>(Patience);
        Assert.Equal(RefusalReason.Deadlock, refused.Cause);
        Assert.Equal(LockFailure.Deadlock, new LockRefusedException(["shared-k"], refused).Cause);
    }

    [Fact]
    public void A_cycle_through_a_semaphore_key_is_refused()
    {
        var manager = NewManager();
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        var pool = LockOptions.Semaphore(capacity: 2);
        a.Send(manager, new TryLock("sem-pool") { Options = LockOptions.Semaphore(capacity: 2, permits: 2) });
        a.ExpectMsg<LockAcquired>(Patience);
        Lock(manager, b, "sem-k");
        b.Send(manager, new Await("sem-pool", Timeout.InfiniteTimeSpan) { Options = pool });
        AwaitWaiting(manager, "sem-pool", b.Ref);

        a.Send(manager, new Await("sem-k", Timeout.InfiniteTimeSpan));

        Assert.Equal(RefusalReason.Deadlock, a.ExpectMsg<LockRefused>(Patience).Cause);
        b.ExpectNoMsg(Brief);
    }
}

using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

// Guarantee: every table operation costs O(1) or O(keys in the request), whatever the size of
// the table. Checked without timing anything: the number of key comparisons and hash codes an
// operation asks for, and the bytes it allocates, must be the same with 1,000 and with 100,000
// other keys held. A scan over all keys or all waiters would show up in both counts.
public sealed class ComplexityGuardSpecs
{
    private const int Small = 1_000;
    private const int Large = 100_000;

    [Fact]
    public void TryLock_and_release_cost_the_same_with_1k_and_100k_keys_held() =>
        AssertFlat((table, keys, owners) =>
        {
            var key = keys.Make(-1);
            table.TryLock(owners[0], owners[0], key);
            table.ReleaseKeys(owners[0], owners[0], [key]);
        });

    [Fact]
    public void A_queued_await_and_its_hand_off_cost_the_same_with_1k_and_100k_keys_held() =>
        AssertFlat((table, keys, owners) =>
        {
            var key = keys.Make(-1);
            table.TryLock(owners[0], owners[0], key);
            table.Await(owners[1], owners[1], key, Timeout.InfiniteTimeSpan, 0);
            table.ReleaseKeys(owners[0], owners[0], [key]);
            table.ReleaseKeys(owners[1], owners[1], [key]);
        });

    [Fact]
    public void AwaitAll_time_out_and_cancel_cost_the_same_with_1k_and_100k_keys_held() =>
        AssertFlat((table, keys, owners) =>
        {
            var a = keys.Make(-1);
            var b = keys.Make(-2);
            var held = keys.Make(0); // held by owners[0] from the start
            table.AwaitAll(owners[2], owners[2], [a, b, held], TimeSpan.FromMilliseconds(5), 0);
            table.ExpireDue(10);
            table.AwaitAll(owners[2], owners[2], [a, b, held], Timeout.InfiniteTimeSpan, 0);
            table.CancelAwait(owners[2], owners[2], null);
        });

    [Fact]
    public void The_deadlock_check_of_a_queued_wait_costs_the_same_with_1k_and_100k_keys_held() =>
        AssertFlat((table, keys, _) =>
        {
            // x waits for y, who waits for z: the check walks the chain to its end and finds no cycle.
            var (x, y, z) = (new FakeRef("x"), new FakeRef("y"), new FakeRef("z"));
            var (a, b, c) = (keys.Make(-1), keys.Make(-2), keys.Make(-3));
            table.TryLock(x, x, a);
            table.TryLock(y, y, b);
            table.TryLock(z, z, c);
            table.Await(y, y, c, Timeout.InfiniteTimeSpan, 0);
            table.Await(x, x, b, Timeout.InfiniteTimeSpan, 0);
            table.Goodbye(x, x);
            table.Goodbye(y, y);
            table.Goodbye(z, z);
        });

    [Fact]
    public void The_death_of_an_owner_of_ten_keys_costs_the_same_with_1k_and_100k_keys_held() =>
        AssertFlat((table, keys, owners) =>
        {
            var dying = new FakeRef("dying");
            for (var i = 1; i <= 10; i++)
            {
                table.TryLock(dying, dying, keys.Make(-i));
            }

            table.Terminated(dying);
        });

    /// <summary>Runs <paramref name="operation"/> on a table of 1k and of 100k held keys and compares the work.</summary>
    private static void AssertFlat(Action<LockTable, CountingKeys, IActorRef[]> operation)
    {
        var small = Measure(Small, operation);
        var large = Measure(Large, operation);

        Assert.True(small.KeyCalls > 0, "the operation did not touch any key: the guard measures nothing");
        Assert.True(large.KeyCalls == small.KeyCalls,
            $"key comparisons per operation grew with the table: {small.KeyCalls} with {Small} keys, {large.KeyCalls} with {Large} keys");
        Assert.True(large.BytesPerOp <= small.BytesPerOp + 8,
            $"allocations per operation grew with the table: {small.BytesPerOp} B with {Small} keys, {large.BytesPerOp} B with {Large} keys");
    }

    private static (long KeyCalls, long BytesPerOp) Measure(int heldKeys, Action<LockTable, CountingKeys, IActorRef[]> operation)
    {
        const int repetitions = 200;
        var keys = new CountingKeys();
        var table = new LockTable(new LockManagerSettings(), new NoEffects());
        var owners = Enumerable.Range(0, Math.Max(3, heldKeys / 100)).Select(i => (IActorRef)new FakeRef($"owner-{i}")).ToArray();
        for (var i = 0; i < heldKeys; i++)
        {
            var owner = owners[i % owners.Length];
            table.TryLock(owner, owner, keys.Make(i));
        }

        // Warm up: dictionaries reach their final capacity, pools fill.
        for (var i = 0; i < repetitions; i++)
        {
            operation(table, keys, owners);
        }

        table.CheckInvariants();
        keys.Calls = 0;
        operation(table, keys, owners);
        var calls = keys.Calls;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < repetitions; i++)
        {
            operation(table, keys, owners);
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / repetitions;
        table.CheckInvariants();
        return (calls, bytes);
    }

    /// <summary>Makes keys that count every Equals and GetHashCode the table asks of them.</summary>
    private sealed class CountingKeys
    {
        public long Calls;

        public CountingKey Make(int id) => new(id, this);
    }

    private sealed class CountingKey(int id, CountingKeys counter)
    {
        private readonly int _id = id;

        public override bool Equals(object? obj)
        {
            counter.Calls++;
            return obj is CountingKey other && other._id == _id;
        }

        public override int GetHashCode()
        {
            counter.Calls++;
            return _id;
        }

        public override string ToString() => $"key-{_id}";
    }

    private sealed class NoEffects : ILockEffects
    {
        public void Send(IActorRef? to, object message)
        {
        }

        public void Forward(IActorRef to, object message, IActorRef? originalSender)
        {
        }

        public void Watch(IActorRef actor)
        {
        }

        public void Unwatch(IActorRef actor)
        {
        }

        public void WakeAt(long deadline)
        {
        }

        public void StartIdleSweep()
        {
        }

        public void ReportError(string message)
        {
        }
    }
}

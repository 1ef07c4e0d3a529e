using Akka.Actor;
using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

// Guarantee: a wait that would close a cycle of owners, each waiting for a key the next one holds,
// is refused at once with LockRefused(Deadlock) naming the cycle, and is not queued; the refused
// owner keeps what it holds and every other wait stays as it was. No cycle, no refusal.
public sealed class DeadlockDetectionSpecs
{
    private static readonly TimeSpan Forever = Timeout.InfiniteTimeSpan;

    private readonly TableFixture _t = new();

    private static LockTerms Shared => new(LockMode.Shared, 1, 1, 0);

    private static LockTerms Permits(int permits, int capacity) => new(LockMode.Exclusive, permits, capacity, 0);

    private void Await(IActorRef owner, object key, LockTerms terms) =>
        _t.Check(() => _t.Table.Await(owner, owner, key, Forever, terms, _t.Now));

    private static string Edge(IActorRef waiter, string key, IActorRef holder) =>
        $"{waiter.Path} waits for \"{key}\" held by {holder.Path}";

    [Fact]
    public void Two_owners_waiting_for_each_others_key_the_second_wait_is_refused_naming_the_cycle()
    {
        var (a, b) = (TableFixture.Ref("A"), TableFixture.Ref("B"));
        _t.Acquire(a, "k1");
        var bGrant = _t.Acquire(b, "k2");
        _t.Await(a, "k2", Forever);

        var refused = Assert.IsType<LockRefused>(_t.Reply(b, () => _t.Table.Await(b, b, "k1", Forever, _t.Now)));

        Assert.Equal(RefusalReason.Deadlock, refused.Cause);
        Assert.Equal("k1", refused.Key);
        Assert.Contains($"{Edge(b, "k1", a)}, {Edge(a, "k2", b)}", refused.Message);
        Assert.Empty(_t.WaitersOf("k1"));
        Assert.Equal([a], _t.WaitersOf("k2"));

        // The refused owner keeps its key; released, it goes to the other owner's wait as before.
        Assert.Equal(b, _t.OwnerOf("k2"));
        _t.Release(b, bGrant);
        Assert.Equal(a, _t.OwnerOf("k2"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    public void A_cycle_of_many_owners_is_refused_when_its_last_wait_closes_it_and_not_before(int size)
    {
        var owners = Enumerable.Range(0, size).Select(i => TableFixture.Ref($"o{i}")).ToArray();
        for (var i = 0; i < size; i++)
        {
            _t.Acquire(owners[i], $"k{i}");
        }

        // o0 waits for k1 (held by o1), o1 for k2, …: a chain, queued without complaint.
        for (var i = 0; i < size - 1; i++)
        {
            _t.Await(owners[i], $"k{i + 1}", Forever);
            Assert.Empty(_t.Effects.To<LockRefused>(owners[i]));
            Assert.Equal([owners[i]], _t.WaitersOf($"k{i + 1}"));
        }

        var last = owners[^1];
        var refused = Assert.IsType<LockRefused>(_t.Reply(last, () => _t.Table.Await(last, last, "k0", Forever, _t.Now)));

        Assert.Equal(RefusalReason.Deadlock, refused.Cause);
        var cycle = string.Join(", ",
            new[] { Edge(last, "k0", owners[0]) }.Concat(Enumerable.Range(0, size - 1).Select(i => Edge(owners[i], $"k{i + 1}", owners[i + 1]))));
        Assert.Contains(cycle, refused.Message);
        Assert.Empty(_t.WaitersOf("k0"));
        for (var i = 0; i < size; i++)
        {
            Assert.Equal(owners[i], _t.OwnerOf($"k{i}"));
        }
    }

    [Fact]
    public void A_chain_without_the_closing_wait_is_no_deadlock()
    {
        var (a, b, c, d) = (TableFixture.Ref("A"), TableFixture.Ref("B"), TableFixture.Ref("C"), TableFixture.Ref("D"));
        _t.Acquire(a, "k1");
        _t.Acquire(b, "k2");
        _t.Acquire(c, "k3");
        _t.Acquire(d, "k4");

        _t.Await(a, "k2", Forever);
        _t.Await(b, "k3", Forever);
        _t.Await(c, "k4", Forever);
        _t.Await(d, "k5", Forever);

        foreach (var owner in new[] { a, b, c, d })
        {
            Assert.Empty(_t.Effects.To<LockRefused>(owner));
        }

        Assert.Equal([a], _t.WaitersOf("k2"));
        Assert.Equal([b], _t.WaitersOf("k3"));
        Assert.Equal([c], _t.WaitersOf("k4"));
        Assert.Equal(d, _t.OwnerOf("k5"));
    }

    [Fact]
    public void Several_owners_waiting_for_one_holder_who_waits_for_nobody_is_no_deadlock()
    {
        var (a, b, c) = (TableFixture.Ref("A"), TableFixture.Ref("B"), TableFixture.Ref("C"));
        _t.Acquire(a, "k1");
        _t.Acquire(b, "k2");
        _t.Acquire(c, "hot");

        _t.Await(a, "hot", Forever);
        _t.Await(b, "hot", Forever);
        _t.Await(a, "k2", Forever);

        Assert.Empty(_t.Effects.To<LockRefused>(a));
        Assert.Empty(_t.Effects.To<LockRefused>(b));
        Assert.Equal([a, b], _t.WaitersOf("hot"));
    }

    [Fact]
    public void A_cycle_through_a_shared_key_is_refused()
    {
        var (a, b, c) = (TableFixture.Ref("A"), TableFixture.Ref("B"), TableFixture.Ref("C"));
        Await(a, "doc", Shared);
        Await(c, "doc", Shared);
        _t.Acquire(b, "k");

        // B wants the document for writing: every reader blocks it.
        _t.Await(b, "doc", Forever);
        Assert.Equal([b], _t.WaitersOf("doc"));

        var refused = Assert.IsType<LockRefused>(_t.Reply(a, () => _t.Table.Await(a, a, "k", Forever, _t.Now)));

        Assert.Equal(RefusalReason.Deadlock, refused.Cause);
        Assert.Contains($"{Edge(a, "k", b)}, {Edge(b, "doc", a)}", refused.Message);
        Assert.Equal(2, _t.Status("doc").Holders.Count);
    }

    [Fact]
    public void Readers_waiting_for_each_other_through_shared_holdings_only_is_no_deadlock()
    {
        var (a, b) = (TableFixture.Ref("A"), TableFixture.Ref("B"));
        Await(a, "doc1", Shared);
        Await(b, "doc2", Shared);
        _t.Acquire(TableFixture.Ref("writer"), "doc3");

        // Shared waits are not kept out by shared holders: the keys admit them, nothing waits.
        Await(a, "doc2", Shared);
        Await(b, "doc1", Shared);

        Assert.Empty(_t.Effects.To<LockRefused>(a));
        Assert.Empty(_t.Effects.To<LockRefused>(b));
        Assert.Equal(2, _t.Status("doc1").Holders.Count);
    }

    [Fact]
    public void A_cycle_through_a_semaphore_key_is_refused()
    {
        var (a, b) = (TableFixture.Ref("A"), TableFixture.Ref("B"));
        Await(a, "pool", Permits(2, capacity: 3));
        _t.Acquire(b, "k");

        // 2 held + 2 asked exceed the capacity of 3: A alone keeps B out.
        Await(b, "pool", Permits(2, capacity: 3));
        Assert.Equal([b], _t.WaitersOf("pool"));

        var refused = Assert.IsType<LockRefused>(_t.Reply(a, () => _t.Table.Await(a, a, "k", Forever, _t.Now)));

        Assert.Equal(RefusalReason.Deadlock, refused.Cause);
        Assert.Contains($"{Edge(a, "k", b)}, {Edge(b, "pool", a)}", refused.Message);
    }

    [Fact]
    public void A_semaphore_wait_that_any_one_of_several_holders_could_let_in_is_no_deadlock()
    {
        var (a, b, c) = (TableFixture.Ref("A"), TableFixture.Ref("B"), TableFixture.Ref("C"));
        Await(a, "pool", Permits(1, capacity: 3));
        Await(c, "pool", Permits(1, capacity: 3));
        _t.Acquire(b, "k");

        // B needs 2 of 3 permits: either A or C leaving lets it in, and C waits for nobody.
        Await(b, "pool", Permits(2, capacity: 3));
        _t.Await(a, "k", Forever);

        Assert.Empty(_t.Effects.To<LockRefused>(a));
        Assert.Equal([a], _t.WaitersOf("k"));
    }

    [Fact]
    public void AwaitAll_waits_take_part_and_a_refused_one_leaves_no_trace()
    {
        var (a, b) = (TableFixture.Ref("A"), TableFixture.Ref("B"));
        _t.Acquire(a, "k1");
        _t.Acquire(b, "k2");
        _t.AwaitAll(a, Forever, "k3", "k2");
        Assert.Equal([a], _t.WaitersOf("k3"));

        var refused = Assert.IsType<LockRefused>(_t.Reply(b, () => _t.Table.AwaitAll(b, b, ["k4", "k1"], Forever, _t.Now)));

        Assert.Equal(RefusalReason.Deadlock, refused.Cause);
        Assert.Equal("k1", refused.Key);
        Assert.Contains($"{Edge(b, "k1", a)}, {Edge(a, "k2", b)}", refused.Message);
        Assert.Equal(KeyStatus.Free("k4"), _t.Status("k4"));
        Assert.Empty(_t.WaitersOf("k1"));
    }

    [Fact]
    public void A_wait_that_times_out_at_once_is_answered_timed_out_not_refused()
    {
        var (a, b) = (TableFixture.Ref("A"), TableFixture.Ref("B"));
        _t.Acquire(a, "k1");
        _t.Acquire(b, "k2");
        _t.Await(a, "k2", Forever);

        Assert.IsType<LockTimedOut>(_t.Reply(b, () => _t.Table.Await(b, b, "k1", TimeSpan.Zero, _t.Now)));
    }

    [Fact]
    public void Once_a_wait_of_the_cycle_timed_out_the_same_wait_is_queued()
    {
        var (a, b) = (TableFixture.Ref("A"), TableFixture.Ref("B"));
        _t.Acquire(a, "k1");
        _t.Acquire(b, "k2");
        _t.Await(a, "k2", TimeSpan.FromMilliseconds(10));
        _t.ExpireAt(_t.Now + 50);
        Assert.IsType<LockTimedOut>(_t.Effects.To(a)[^1]);

        _t.Await(b, "k1", Forever);

        Assert.Empty(_t.Effects.To<LockRefused>(b));
        Assert.Equal([b], _t.WaitersOf("k1"));
    }
}

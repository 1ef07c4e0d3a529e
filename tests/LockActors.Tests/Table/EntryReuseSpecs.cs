using LockActors.Table;
using Xunit;

namespace LockActors.Tests.Table;

/// <summary>
/// The entry of a key that went idle serves a later key: nothing of the earlier key (its holder,
/// mode, capacity, queue or the key itself) may show through.
/// </summary>
public sealed class EntryReuseSpecs
{
    private static readonly LockTerms Shared = new(LockMode.Shared, 1, 1, 0);

    private readonly TableFixture _t = new();
    private readonly FakeRef _a = TableFixture.Ref("a");
    private readonly FakeRef _b = TableFixture.Ref("b");
    private readonly FakeRef _c = TableFixture.Ref("c");

    [Fact]
    public void A_semaphore_key_after_a_released_lock_has_its_own_capacity_and_holders()
    {
        var lockGrant = _t.Acquire(_a, "lock");
        Assert.IsType<Released>(_t.Release(_a, lockGrant));

        var semaphore = new LockTerms(LockMode.Exclusive, 1, 2, 0);
        Assert.IsType<LockAcquired>(_t.Reply(_a, () => _t.Table.TryLock(_a, _a, "sem", semaphore)));
        Assert.IsType<LockAcquired>(_t.Reply(_b, () => _t.Table.TryLock(_b, _b, "sem", semaphore)));
        Assert.IsType<LockBusy>(_t.Reply(_c, () => _t.Table.TryLock(_c, _c, "sem", semaphore)));

        var status = _t.Status("sem");
        Assert.Equal(2, status.Capacity);
        Assert.Equal(["a", "b"], status.Holders.Select(h => h.Owner.Path.Name).Order().ToList());
        Assert.Null(_t.OwnerOf("lock"));
    }

    [Fact]
    public void A_lock_after_a_released_shared_key_is_exclusive_again()
    {
        var shared = Assert.IsType<LockAcquired>(_t.Reply(_a, () => _t.Table.TryLock(_a, _a, "doc", Shared))).Grant;
        Assert.IsType<Released>(_t.Release(_a, shared));

        _t.Acquire(_b, "other");
        Assert.IsType<LockBusy>(_t.TryLock(_c, "other"));
        Assert.Equal(LockMode.Exclusive, Assert.Single(_t.Status("other").Holders).Mode);
    }

    [Fact]
    public void A_key_whose_waiter_timed_out_leaves_no_queue_behind_for_the_next_key()
    {
        var held = _t.Acquire(_a, "k1");
        _t.Await(_b, "k1", TimeSpan.FromMilliseconds(10));
        _t.ExpireAt(_t.Now + 1_000);
        _t.Effects.Last<LockTimedOut>(_b);
        Assert.IsType<Released>(_t.Release(_a, held));

        var next = _t.Acquire(_c, "k2");
        Assert.Empty(_t.WaitersOf("k2"));
        Assert.IsType<Released>(_t.Release(_c, next));
        Assert.Equal(0, _t.Table.KeyCount);
    }

    [Fact]
    public void Many_keys_coming_and_going_each_keep_their_own_holder()
    {
        for (var round = 0; round < 3; round++)
        {
            var grants = Enumerable.Range(0, 300).Select(i => _t.Acquire(i % 2 == 0 ? _a : _b, $"key-{round}-{i}")).ToList();
            for (var i = 0; i < grants.Count; i++)
            {
                Assert.Equal(i % 2 == 0 ? _a : _b, _t.OwnerOf($"key-{round}-{i}"));
            }

            foreach (var grant in grants)
            {
                Assert.IsType<Released>(_t.Release(grant.Owner, grant));
            }

            Assert.Equal(0, _t.Table.KeyCount);
        }
    }
}

using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using LockActors.Table;

namespace LockActors.Tests.Table;

internal static class OpGen
{
    public const int Owners = 5;
    public const int KeyCount = 6;

    /// <summary>k0–k3 are locks (capacity 1, shared or exclusive), k4–k5 semaphores of 3 permits.</summary>
    public static int NaturalCapacity(int key) => key < 4 ? 1 : 3;

    private static readonly int[] LockKeys = [0, 1, 2, 3];
    private static readonly int[] SemaphoreKeys = [4, 5];
    private static readonly int[] AllKeys = [0, 1, 2, 3, 4, 5];

    private static readonly Gen<int> Owner = Gen.Choose(0, Owners - 1);
    private static readonly Gen<int> Key = Gen.Choose(0, KeyCount - 1);
    private static readonly Gen<bool> Mostly = Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)));
    private static readonly Gen<bool> Rarely = Mostly.Select(b => !b);

    private static readonly Gen<Timing> Timing = Gen.Frequency(
        (2, Gen.Elements(0, -7).Select(ms => new Timing(TimeoutKind.Immediate, ms))),
        (4, Gen.Choose(1, 80).Select(ms => new Timing(TimeoutKind.Finite, ms))),
        (3, Gen.Constant(new Timing(TimeoutKind.Infinite, 0))),
        (1, Gen.Constant(new Timing(TimeoutKind.Default, 0))));

    /// <summary>Mostly the default priority; now and then below it, or one or two above.</summary>
    private static readonly Gen<int> Priority = Gen.Frequency(
        (14, Gen.Constant(0)), (2, Gen.Constant(-1)), (3, Gen.Constant(1)), (1, Gen.Constant(2)));

    /// <summary>What a well-behaved user asks of a key of this capacity: a lock, shared or not; or some permits of a semaphore.</summary>
    private static Gen<LockTerms> Natural(int capacity) => capacity == 1
        ? Gen.Frequency(
            (3, Gen.Constant(new LockTerms(LockMode.Shared, 1, 1, 0))),
            (5, Gen.Constant(new LockTerms(LockMode.Exclusive, 1, 1, 0))))
        : Gen.Frequency((3, Gen.Constant(1)), (2, Gen.Constant(2)), (1, Gen.Constant(capacity)))
            .Select(permits => new LockTerms(LockMode.Exclusive, Math.Min(permits, capacity), capacity, 0));

    /// <summary>Valid terms that name another capacity than the key's natural one: refused while the key is in use, else they set it.</summary>
    private static Gen<LockTerms> WrongCapacity(int capacity) =>
        from other in Gen.Elements(new[] { 1, 2, 3, 4 }.Where(c => c != capacity).ToArray())
        from terms in Natural(other)
        select terms;

    /// <summary>Terms that can never be granted, each breaking one rule.</summary>
    private static readonly Gen<LockTerms> Invalid = Gen.Elements(
        new LockTerms(LockMode.Exclusive, 1, 0, 0),
        new LockTerms(LockMode.Exclusive, 1, -2, 0),
        new LockTerms(LockMode.Exclusive, 0, 1, 0),
        new LockTerms(LockMode.Exclusive, -1, 3, 0),
        new LockTerms(LockMode.Exclusive, 4, 3, 0),
        new LockTerms(LockMode.Exclusive, 2, 1, 0),
        new LockTerms(LockMode.Shared, 1, 3, 0),
        new LockTerms(LockMode.Shared, 2, 2, 0),
        new LockTerms((LockMode)7, 1, 1, 0));

    /// <summary>Terms for a request whose (first) key has <paramref name="capacity"/>; TryLock passes no priority.</summary>
    private static Gen<LockTerms> Terms(int capacity, bool withPriority) =>
        from terms in Gen.Frequency((90, Natural(capacity)), (6, WrongCapacity(capacity)), (4, Invalid))
        from priority in withPriority ? Priority : Gen.Constant(0)
        select terms with { Priority = priority };

    /// <summary>1 to <paramref name="max"/> distinct keys of <paramref name="pool"/> in random order; now and then with a duplicate added.</summary>
    private static Gen<int[]> KeyList(int max, int[] pool)
    {
        var distinct = Gen.Choose(1, Math.Min(max, pool.Length)).SelectMany(n =>
            Gen.Shuffle(pool).Select(all => all.Take(n).ToArray()));
        return Gen.Frequency(
            (24, distinct),
            (1, distinct.SelectMany(keys => Gen.Choose(0, keys.Length).Select(at => keys.Take(at).Append(keys[0]).Concat(keys.Skip(at)).ToArray()))));
    }

    /// <summary>Keys for an AwaitAll: mostly all locks or all semaphores (one set of terms fits them all), sometimes mixed.</summary>
    private static readonly Gen<int[]> AwaitAllKeys = Gen.Frequency(
        (10, KeyList(3, LockKeys)), (4, KeyList(2, SemaphoreKeys)), (3, KeyList(3, AllKeys)));

    private static readonly Gen<int> Heir = Gen.Frequency(
        (40, Owner), (1, Gen.Constant(GiveAwayOp.NullHeir)), (1, Gen.Constant(GiveAwayOp.NobodyHeir)));

    private static readonly Gen<Op> Operation = Gen.Frequency<Op>(
        (10, from o in Owner from k in Key from t in Terms(NaturalCapacity(k), withPriority: false) select (Op)new TryLockOp(o, k, t)),
        (20, from o in Owner from k in Key from t in Terms(NaturalCapacity(k), withPriority: true) from time in Timing from r in Rarely
            select (Op)new AwaitOp(o, k, t, time, r)),
        (12, from o in Owner from ks in AwaitAllKeys from t in Terms(NaturalCapacity(ks[0]), withPriority: true) from time in Timing from r in Rarely
            select (Op)new AwaitAllOp(o, ks, t, time, r)),
        (15, from o in Owner from p in Gen.Choose(0, 1000) from s in Mostly select (Op)new ReleaseOp(o, p, s ? GrantSource.Held : GrantSource.Any)),
        (5, from o in Owner from ks in KeyList(3, AllKeys) from h in Mostly select (Op)new ReleaseKeysOp(o, ks, h)),
        (6, from o in Owner from p in Gen.Choose(0, 1000) from s in Mostly from h in Heir select (Op)new GiveAwayOp(o, p, s ? GrantSource.Held : GrantSource.Any, h)),
        (3, Owner.Select(o => (Op)new GoodbyeOp(o))),
        (5, from o in Owner from all in Gen.Elements(true, false) from ks in KeyList(2, AllKeys) select (Op)new CancelAwaitOp(o, all ? null : ks.Distinct().ToArray())),
        (2, Owner.Select(o => (Op)new DieOp(o))),
        (12, from ms in Gen.Choose(1, 60) from w in Rarely select (Op)new AdvanceOp(ms, w)),
        (3, Gen.Constant((Op)new SweepIdleOp())));

    public static readonly Arbitrary<Op[]> Sequences = Arb.From(
        Gen.Choose(LockTablePropertySpecs.MinOps, LockTablePropertySpecs.MaxOps).SelectMany(n => Gen.ArrayOf(Operation, n)),
        Shrink);

    /// <summary>Shrinks by dropping ever smaller runs of operations.</summary>
    private static IEnumerable<Op[]> Shrink(Op[] ops)
    {
        for (var chunk = ops.Length / 2; chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start + chunk <= ops.Length; start += chunk)
            {
                yield return ops.Take(start).Concat(ops.Skip(start + chunk)).ToArray();
            }
        }
    }
}

using FsCheck;
using FsCheck.Fluent;
using LockActors.Table;

namespace LockActors.Cluster.Tests.Persistence;

// Operations on a lock table, abstract (owner and key numbers, a grant picked by number), so every
// sub-sequence FsCheck shrinks to is still a valid sequence.

/// <summary>An operation of the replay property.</summary>
internal abstract record TableOp;

/// <summary>Who a request's reply goes to.</summary>
internal enum ReplyTarget { Owner, Requester, Nobody }

internal sealed record TryLockOp(int Owner, int Key, LockTerms Terms, ReplyTarget Reply) : TableOp;

/// <summary>A wait; <see cref="TimeoutMs"/> null for the default timeout, negative for none.</summary>
internal sealed record AwaitOp(int Owner, int Key, LockTerms Terms, int? TimeoutMs, ReplyTarget Reply) : TableOp;

internal sealed record AwaitAllOp(int Owner, int[] Keys, LockTerms Terms, int? TimeoutMs, ReplyTarget Reply) : TableOp;

/// <summary>Presents the <see cref="Pick"/>-th grant handed out so far (modulo their number): often stale or someone else's.</summary>
internal sealed record ReleaseOp(int Owner, int Pick, bool OwnGrant) : TableOp;

internal sealed record ReleaseKeysOp(int Owner, int[] Keys) : TableOp;

internal sealed record GiveAwayOp(int Owner, int Pick, int Heir) : TableOp;

internal sealed record GoodbyeOp(int Owner) : TableOp;

internal sealed record CancelAwaitOp(int Owner, int[]? Keys) : TableOp;

/// <summary>The owner terminates; its number is taken by a new actor from then on.</summary>
internal sealed record DieOp(int Owner) : TableOp;

/// <summary>The clock moves on and due waits time out.</summary>
internal sealed record AdvanceOp(int Ms) : TableOp;

internal sealed record SweepIdleOp : TableOp;

/// <summary>Generates operation sequences over a few owners, locks (capacity 1) and semaphores (capacity 3).</summary>
internal static class ReplayGen
{
    public const int Owners = 5;
    public const int Locks = 4;
    public const int Semaphores = 2;
    public const int SemaphoreCapacity = 3;

    public static int KeyCount => Locks + Semaphores;

    /// <summary>The key object of a key number: text for locks, a number for semaphores.</summary>
    public static object KeyOf(int key) => key < Locks ? $"lock-{key}" : (object)(1000 + key);

    private static readonly Gen<int> Owner = Gen.Choose(0, Owners - 1);
    private static readonly Gen<int> Key = Gen.Choose(0, KeyCount - 1);
    private static readonly Gen<int> Priority = Gen.Frequency((6, Gen.Constant(0)), (2, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(-1)));
    private static readonly Gen<ReplyTarget> Reply = Gen.Frequency(
        (8, Gen.Constant(ReplyTarget.Owner)), (2, Gen.Constant(ReplyTarget.Requester)), (1, Gen.Constant(ReplyTarget.Nobody)));

    private static readonly Gen<int?> Timeout = Gen.Frequency(
        (1, Gen.Constant<int?>(0)), (5, Gen.Choose(1, 60).Select(ms => (int?)ms)), (3, Gen.Constant<int?>(-1)), (1, Gen.Constant<int?>(null)));

    private static readonly Gen<string?> Label = Gen.Elements<string?>(null, null, null, "billing", "nightly report");

    /// <summary>Terms that fit the key: shared or exclusive on a lock, 1 to 3 permits on a semaphore; sometimes labelled.</summary>
    private static Gen<LockTerms> Terms(int key, Gen<int> priority) =>
        key < Locks
            ? from shared in Gen.Elements(true, false, false) from p in priority from label in Label
              select new LockTerms(shared ? LockMode.Shared : LockMode.Exclusive, 1, 1, p, label)
            : from permits in Gen.Choose(1, SemaphoreCapacity) from p in priority from label in Label
              select new LockTerms(LockMode.Exclusive, permits, SemaphoreCapacity, p, label);

    /// <summary>1 to 3 distinct keys, all locks or all semaphores.</summary>
    private static readonly Gen<int[]> KeySet =
        from semaphores in Gen.Elements(false, false, true)
        let pool = semaphores ? Enumerable.Range(Locks, Semaphores).ToArray() : Enumerable.Range(0, Locks).ToArray()
        from n in Gen.Choose(1, Math.Min(3, pool.Length))
        from all in Gen.Shuffle(pool)
        select all.Take(n).ToArray();

    private static readonly Gen<TableOp> Operation = Gen.Frequency<TableOp>(
        (8, from o in Owner from k in Key from t in Terms(k, Gen.Constant(0)) from r in Reply select (TableOp)new TryLockOp(o, k, t, r)),
        (20, from o in Owner from k in Key from t in Terms(k, Priority) from time in Timeout from r in Reply select (TableOp)new AwaitOp(o, k, t, time, r)),
        (10, from o in Owner from ks in KeySet from t in Terms(ks[0], Priority) from time in Timeout from r in Reply
            select (TableOp)new AwaitAllOp(o, ks, t, time, r)),
        (14, from o in Owner from p in Gen.Choose(0, 1000) from own in Gen.Elements(true, true, true, false) select (TableOp)new ReleaseOp(o, p, own)),
        (4, from o in Owner from ks in KeySet select (TableOp)new ReleaseKeysOp(o, ks)),
        (6, from o in Owner from p in Gen.Choose(0, 1000) from h in Owner select (TableOp)new GiveAwayOp(o, p, h)),
        (2, Owner.Select(o => (TableOp)new GoodbyeOp(o))),
        (4, from o in Owner from all in Gen.Elements(true, false) from ks in KeySet select (TableOp)new CancelAwaitOp(o, all ? null : ks)),
        (3, Owner.Select(o => (TableOp)new DieOp(o))),
        (10, Gen.Choose(1, 40).Select(ms => (TableOp)new AdvanceOp(ms))),
        (2, Gen.Constant((TableOp)new SweepIdleOp())));

    /// <summary>Sequences of 40 to 160 operations, shrunk by dropping runs of them.</summary>
    public static readonly Arbitrary<TableOp[]> Sequences = Arb.From(
        Gen.Choose(40, 160).SelectMany(n => Gen.ArrayOf(Operation, n)),
        Shrink);

    private static IEnumerable<TableOp[]> Shrink(TableOp[] ops)
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

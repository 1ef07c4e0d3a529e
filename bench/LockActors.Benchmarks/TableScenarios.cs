using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LockActors.Table;

namespace LockActors.Benchmarks;

/// <summary>
/// Scenarios on the pure <see cref="LockTable"/>, without actors: memory (e), cost against table size (f),
/// and the table halves of g and h. Owners are <see cref="FakeOwner"/>s; effects go nowhere.
/// </summary>
internal sealed partial class TableScenarios(BenchConfig cfg)
{
    private static readonly LockManagerSettings Settings = new LockManagerSettings();

    private static LockTable NewTable(NullEffects? fx = null) => new(Settings, fx ?? new NullEffects());

    /// <summary>A table with <paramref name="size"/> keys ("key-owner-n") held by 1,000 owners.</summary>
    private static (LockTable Table, NullEffects Fx) TableHolding(int size)
    {
        var fx = new NullEffects();
        var table = NewTable(fx);
        var ownerRefs = FakeOwner.Many(1_000);
        foreach (var (o, key) in HeldKeys(size, ownerRefs.Length))
        {
            table.TryLock(ownerRefs[o], null, key);
        }

        return (table, fx);
    }

    /// <summary>
    /// The keys of a table holding <paramref name="count"/> keys, spread over <paramref name="owners"/>
    /// owners in order: owner <c>o</c>'s keys are "key-o-0", "key-o-1", …. Made as they are enumerated.
    /// </summary>
    private static IEnumerable<(int Owner, string Key)> HeldKeys(int count, int owners = 1_000)
    {
        var perOwner = count / owners;
        for (var o = 0; o < owners; o++)
        {
            for (var k = 0; k < perOwner; k++)
            {
                yield return (o, $"key-{o}-{k}");
            }
        }
    }

    /// <summary>
    /// Bytes per item of what <paramref name="build"/> makes and returns (kept alive until measured),
    /// after a full compacting GC before and after; what exists before the call is not counted.
    /// </summary>
    private static double BytesPer(int count, Func<object> build)
    {
        var before = Harness.SettledHeap();
        var built = build();
        var after = Harness.SettledHeap();
        GC.KeepAlive(built);
        return (after - before) / (double)count;
    }

    /// <summary>"1k", "100k", "1M": a table size in a result id.</summary>
    private static string SizeLabel(int size) => size >= 1_000_000 ? $"{size / 1_000_000}M" : $"{size / 1_000}k";
}

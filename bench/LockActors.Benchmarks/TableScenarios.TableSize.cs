using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LockActors.Table;

namespace LockActors.Benchmarks;

internal sealed partial class TableScenarios
{
    // ---------------------------------------------------------------------------------------
    // f. cost per operation against the number of keys held; allocations per cycle
    // ---------------------------------------------------------------------------------------

    public void TableSize()
    {
        if (!cfg.Selected("f."))
        {
            return;
        }

        var sizes = new[] { 1_000, 100_000, 1_000_000 };
        var fresh = Enumerable.Range(0, 4096).Select(i => (object)$"fresh-{i}").ToArray();
        var tables = new List<(int Size, LockTable Table, NullEffects Fx)>();
        foreach (var size in sizes)
        {
            var (table, fx) = TableHolding(size);

            tables.Add((size, table, fx));
        }

        Harness.SettledHeap();
        var caller = new FakeOwner(1_000_000_000);
        var ops = cfg.Quick ? 200_000 : 1_000_000;

        void Cycle(LockTable table, NullEffects fx, int n)
        {
            for (var i = 0; i < n; i++)
            {
                var key = fresh[i & 4095];
                table.TryLock(caller, caller, key);
                var grant = ((LockAcquired)fx.Last!).Grant;
                table.Release(caller, caller, grant);
            }
        }

        // Interleave the sizes within each repetition so machine noise hits them alike.
        var ns = tables.ToDictionary(t => t.Size, _ => new List<double>());
        var allocs = tables.ToDictionary(t => t.Size, _ => new List<double>());
        for (var r = -cfg.Warmups; r < cfg.Repetitions; r++)
        {
            foreach (var (size, table, fx) in tables)
            {
                var before = GC.GetTotalAllocatedBytes(true);
                var sw = Stopwatch.StartNew();
                Cycle(table, fx, ops);
                var elapsed = sw.Elapsed.TotalNanoseconds;
                var after = GC.GetTotalAllocatedBytes(true);
                if (r >= 0)
                {
                    ns[size].Add(elapsed / ops);
                    allocs[size].Add((after - before) / (double)ops);
                }
            }
        }

        foreach (var (size, _, _) in tables)
        {
            var label = SizeLabel(size);
            Harness.Add(new Result($"f.table-{label}", $"table TryLock+Release of a fresh key (new owner) with {size:N0} other keys held; all three tables alive, interleaved",
                Harness.Median(ns[size]), ns[size].Min(), ns[size].Max(), "ns/op", Harness.Median(allocs[size]))
            {
                Samples = ns[size].ToArray(),
                Group = "f",
            });
        }

        // The same cycle for an owner that already holds a key: no party is created or dropped.
        var (_, small, smallFx) = tables[0];
        var anchored = new FakeOwner(1_000_000_001);
        small.TryLock(anchored, anchored, "anchor");
        Harness.NanosPerOp(cfg, "f.table-1k-anchored", "as f.table-1k, for an owner that keeps one other key held", ops, n =>
        {
            for (var i = 0; i < n; i++)
            {
                small.TryLock(anchored, anchored, fresh[i & 4095]);
                var grant = ((LockAcquired)smallFx.Last!).Grant;
                small.Release(anchored, anchored, grant);
            }
        });

        GC.KeepAlive(tables);
        tables.Clear();

        // The same, one table at a time, so the heap holds only that table: this adds the collector's
        // cost of a large live heap, which the interleaved run spreads over all three sizes.
        foreach (var size in sizes)
        {
            var (table, fx) = TableHolding(size);

            Harness.SettledHeap();
            var label = SizeLabel(size);
            Harness.NanosPerOp(cfg, $"f.alone-{label}", $"as f.table-{label}, with only this table on the heap (sizes measured one after another)", ops, n => Cycle(table, fx, n));
            GC.KeepAlive(table);
        }

        Harness.SettledHeap();
        DictionaryFloor(sizes, fresh, ops);
    }

    /// <summary>
    /// The floor of f: the three hash-table operations a TryLock+Release of a fresh key needs at the
    /// least (file the key, find it on release, drop it), on a bare BCL <see cref="Dictionary{TKey, TValue}"/>
    /// holding as many keys as the table, sizes interleaved as in f.table-*. What a large table costs
    /// more per operation than a small one is, at the least, what these cost more. A second run also
    /// allocates the replies any lock manager must hand out per cycle (its allocations stream through
    /// the cache as the table's do).
    /// </summary>
    private void DictionaryFloor(int[] sizes, object[] fresh, int ops)
    {
        var dictionaries = sizes.Select(size =>
        {
            var d = new Dictionary<object, object>();
            foreach (var (_, key) in HeldKeys(size))
            {
                d.Add(key, key);
            }

            return (Size: size, Keys: d);
        }).ToList();

        var owner = new FakeOwner(1_000_000_002);
        object? sink = null;
        Measure("f.floor-dictionary", "add + find + remove of a fresh key in a bare Dictionary<object, object> holding {0:N0} keys (the floor of f), sizes interleaved", messages: false);
        Measure("f.floor-messages", "as f.floor-dictionary, also allocating the replies any TryLock+Release must hand out (LockGrant, its key list, LockAcquired, Released), {0:N0} keys", messages: true);
        GC.KeepAlive(sink);

        void Measure(string id, string what, bool messages)
        {
            Harness.SettledHeap();
            var ns = sizes.ToDictionary(size => size, _ => new List<double>());
            var allocs = sizes.ToDictionary(size => size, _ => new List<double>());
            for (var r = -cfg.Warmups; r < cfg.Repetitions; r++)
            {
                foreach (var (size, keys) in dictionaries)
                {
                    var before = GC.GetTotalAllocatedBytes(true);
                    var sw = Stopwatch.StartNew();
                    for (var i = 0; i < ops; i++)
                    {
                        var key = fresh[i & 4095];
                        keys.Add(key, key);
                        if (messages)
                        {
                            var grant = new LockGrant([key], false, owner, i, null);
                            sink = new LockAcquired(grant);
                            sink = new Released(grant.Keys);
                        }

                        keys.TryGetValue(key, out _);
                        keys.Remove(key);
                    }

                    var elapsed = sw.Elapsed.TotalNanoseconds;
                    var after = GC.GetTotalAllocatedBytes(true);
                    if (r >= 0)
                    {
                        ns[size].Add(elapsed / ops);
                        allocs[size].Add((after - before) / (double)ops);
                    }
                }
            }

            foreach (var size in sizes)
            {
                Harness.Add(new Result($"{id}-{SizeLabel(size)}", string.Format(CultureInfo.InvariantCulture, what, size),
                    Harness.Median(ns[size]), ns[size].Min(), ns[size].Max(), "ns/op", Harness.Median(allocs[size]))
                {
                    Samples = ns[size].ToArray(),
                    Group = "f.floor",
                });
            }
        }

        GC.KeepAlive(dictionaries);
    }
}

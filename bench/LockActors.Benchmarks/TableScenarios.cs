using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LockActors.Table;

namespace LockActors.Benchmarks;

/// <summary>
/// Scenarios on the pure <see cref="LockTable"/>, without actors: memory (e), cost against table size (f),
/// and the table halves of g and h. Owners are <see cref="FakeOwner"/>s; effects go nowhere.
/// </summary>
internal sealed class TableScenarios(BenchConfig cfg)
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

    // ---------------------------------------------------------------------------------------
    // e. memory
    // ---------------------------------------------------------------------------------------

    public void Memory()
    {
        if (!cfg.Selected("e."))
        {
            return;
        }

        const int keys = 100_000;
        const int owners = 1_000;
        const int perOwner = keys / owners;

        // The key strings alone, as a reference: the same strings in an array, minus the array.
        var keyBytes = KeyStringBytes(keys, i => $"key-{i / perOwner}-{i % perOwner}");

        var heldPerKey = new List<double>();
        var waitPerWaiter = new List<double>();
        var floorPerKey = new List<double>();
        var floorInlinePerKey = new List<double>();
        var floorLeastPerKey = new List<double>();
        var floorPerWaiter = new List<double>();
        var waitKeyBytes = KeyStringBytes(keys, i => $"wkey-{i % 1000}");
        var reps = cfg.Quick ? 2 : 3;
        for (var r = 0; r < reps; r++)
        {
            var ownerRefs = FakeOwner.Many(owners);
            heldPerKey.Add(BytesPer(keys, () =>
            {
                var table = NewTable();
                foreach (var (o, key) in HeldKeys(keys, owners))
                {
                    table.TryLock(ownerRefs[o], null, key);
                }

                return table;
            }));
            GC.KeepAlive(ownerRefs);

            // 100k waiters, each its own actor, waiting (default 5 s timeout) for one of 1,000 held keys.
            var holder = new FakeOwner(-1);
            var waiterRefs = FakeOwner.Many(keys);
            var waitTable = NewTable();
            for (var k = 0; k < 1000; k++)
            {
                waitTable.TryLock(holder, null, $"wkey-{k}");
            }

            waitPerWaiter.Add(BytesPer(keys, () =>
            {
                for (var i = 0; i < keys; i++)
                {
                    waitTable.Await(waiterRefs[i], null, $"wkey-{i % 1000}", null, now: 0);
                }

                return waitTable;
            }));

            // Floor per key: the same key strings in a BCL dictionary, all mapping to one object.
            var value = new object();
            floorPerKey.Add(BytesPer(keys, () =>
            {
                var map = new Dictionary<object, object>();
                foreach (var (_, key) in HeldKeys(keys, owners))
                {
                    map.Add(key, value);
                }

                return map;
            }));

            // The same with the least lock state a key can have, stored inline as the dictionary's
            // value: its holder and its fencing token (no record, no links, no queue).
            floorInlinePerKey.Add(BytesPer(keys, () =>
            {
                var map = new Dictionary<object, (object Holder, long Token)>();
                var token = 0L;
                foreach (var (_, key) in HeldKeys(keys, owners))
                {
                    map.Add(key, (holder, ++token));
                }

                return map;
            }));

            // The least state of a table whose release and crash release stay O(1) per key:
            // holder, fencing token and the two links of the owner's list of keys, all inline in
            // the dictionary's value, the dictionary grown by 2% at a time (the tightest a BCL
            // Dictionary allows: its capacity is always a prime from its own table) instead of
            // doubling. Nothing else: no queue, no multi-key list, no mode.
            var lastKey = new object?[owners];
            floorLeastPerKey.Add(BytesPer(keys, () =>
            {
                var map = new Dictionary<object, LeastKeyState>();
                var token = 0L;
                foreach (var (owner, key) in HeldKeys(keys, owners))
                {
                    if (map.Count == map.EnsureCapacity(0))
                    {
                        map.EnsureCapacity(map.Count + map.Count / 50 + 1);
                    }

                    map.Add(key, new LeastKeyState(ownerRefs[owner], ++token, lastKey[owner], null));
                    if (lastKey[owner] is { } previous)
                    {
                        CollectionsMarshal.GetValueRefOrNullRef(map, previous).Next = key;
                    }

                    lastKey[owner] = key;
                }

                return map;
            }));

            // Floor per waiter: the same fake owners in a BCL dictionary, plus one BCL heap entry each.
            floorPerWaiter.Add(BytesPer(keys, () =>
            {
                var byOwner = new Dictionary<Akka.Actor.IActorRef, object>();
                var heap = new PriorityQueue<object, long>();
                for (var i = 0; i < keys; i++)
                {
                    byOwner.Add(waiterRefs[i], value);
                    heap.Enqueue(value, 5_000);
                }

                return (byOwner, heap);
            }));
            GC.KeepAlive(waiterRefs);
            GC.KeepAlive(lastKey);
            GC.KeepAlive(value);
        }

        Harness.Add(new Result("e.bytes-per-held-key", $"100k string keys held by 1,000 owners, after full GC, keys included (the key string alone: {keyBytes:N0} B)",
            Harness.Median(heldPerKey), heldPerKey.Min(), heldPerKey.Max(), "B/key", null));
        Harness.Add(new Result("e.bytes-per-waiter", $"100k waiters (own actor each, 5 s timeout) on 1,000 held keys, key in the request included (key string alone: {waitKeyBytes:N0} B)",
            Harness.Median(waitPerWaiter), waitPerWaiter.Min(), waitPerWaiter.Max(), "B/waiter", null));
        Harness.Add(new Result("e.floor-dictionary-per-key", "floor: the same 100k key strings in a Dictionary<object, object> mapping all to one object, after full GC, keys included (no lock state at all)",
            Harness.Median(floorPerKey), floorPerKey.Min(), floorPerKey.Max(), "B/key", null));
        Harness.Add(new Result("e.floor-dictionary-holder-token-per-key", "floor: the same 100k key strings in a Dictionary<object, (object, long)>, a holder and a fencing token inline per key, after full GC, keys included",
            Harness.Median(floorInlinePerKey), floorInlinePerKey.Min(), floorInlinePerKey.Max(), "B/key", null));
        Harness.Add(new Result("e.floor-least-state-per-key", "floor: the same 100k key strings in a Dictionary<object, (holder, token, previous key, next key)> grown 2% at a time: the least state with O(1) release and crash release, after full GC, keys included",
            Harness.Median(floorLeastPerKey), floorLeastPerKey.Min(), floorLeastPerKey.Max(), "B/key", null));
        Harness.Add(new Result("e.floor-per-waiter", "floor: the same 100k fake owners in a Dictionary<IActorRef, object> plus one PriorityQueue<object, long> entry each, after full GC (no wait or owner record)",
            Harness.Median(floorPerWaiter), floorPerWaiter.Min(), floorPerWaiter.Max(), "B/waiter", null));
    }

    /// <summary>
    /// Sizes of the table's records and of the messages of one lock+release, from allocation counts:
    /// where the bytes per key, per waiter and per operation go.
    /// </summary>
    public void Sizes()
    {
        if (!cfg.Selected("e.size") && !cfg.Selected("f.alloc"))
        {
            return;
        }

        var owner = new FakeOwner(7);
        object key = "key-1-2";
        object[] keys = [key];
        var party = new Party(owner);
        var entry = new KeyEntry(FiledKey.Of(key), 1);
        KeyEntry[] entries = [entry];
        var wait = new Wait(party, owner, entries, keys, false, LockTerms.Default, 0);
        var priority = LockTerms.Default with { Priority = 1 };
        var grant = new LockGrant(keys, false, owner, 1, null);
        var sizes = new (string Name, Func<object> Make)[]
        {
            ("KeyEntry", () => new KeyEntry(FiledKey.Of(key), 1)),
            ("KeySharing (what a semaphore or shared key adds to its KeyEntry)", () => new KeySharing(2)),
            ("LockGrant", () => new LockGrant(keys, false, owner, 1, null)),
            ("object[1] (key list)", () => new object[1]),
            ("Party", () => new Party(owner)),
            ("Wait (single key: it is its own queue node)", () => new Wait(party, owner, entries, keys, false, LockTerms.Default, 0)),
            ("WaitDetails (terms of a wait that is not plain, e.g. a priority; an AwaitAll's keys and nodes)", () => new WaitDetails(priority, null, 0, timed: true)),
            ("ExtraWaitNode (each key of a wait after the first)", () => new ExtraWaitNode(wait, entry)),
            ("LockAcquired", () => new LockAcquired(grant)),
            ("Released", () => new Released(keys)),
            ("TryLock", () => new TryLock(key)),
            ("Release", () => new Release(grant)),
        };
        foreach (var (name, make) in sizes)
        {
            var bytes = AllocatedBy(make);
            Harness.Add(new Result($"e.size-{name.Split(' ')[0]}", $"bytes allocated by one {name}", bytes, bytes, bytes, "B", null));
        }

        // One TryLock and one Release on the table, for an owner that holds nothing else (a party is
        // created and dropped) and for one that keeps another key (no party churn).
        var fx = new NullEffects();
        var table = NewTable(fx);
        var anchored = new FakeOwner(8);
        table.TryLock(anchored, anchored, "anchor");
        foreach (var (label, who) in new (string, Akka.Actor.IActorRef)[] { ("new-owner", owner), ("anchored", anchored) })
        {
            var cycleBytes = AllocatedBy(() =>
            {
                table.TryLock(who, who, "fresh");
                var g = ((LockAcquired)fx.Last!).Grant;
                table.Release(who, who, g);
                return g;
            });
            Harness.Add(new Result($"f.alloc-cycle-{label}", $"bytes the table allocates for one TryLock+Release of a fresh key ({label})", cycleBytes, cycleBytes, cycleBytes, "B", null));
        }
    }

    private static double AllocatedBy(Func<object> make)
    {
        const int n = 1000;
        var keep = new object[n];
        make();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++)
        {
            keep[i] = make();
        }

        var after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(keep);
        return (after - before) / (double)n;
    }

    private static double KeyStringBytes(int count, Func<int, string> make)
    {
        var array = new string[count];
        return BytesPer(count, () =>
        {
            for (var i = 0; i < count; i++)
            {
                array[i] = make(i);
            }

            return array;
        });
    }

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

    // ---------------------------------------------------------------------------------------
    // g. 100k waiters with timeouts, on the table
    // ---------------------------------------------------------------------------------------

    public void Timeouts()
    {
        if (!cfg.Selected("g.table"))
        {
            return;
        }

        const int waiters = 100_000;
        var waiterRefs = FakeOwner.Many(waiters);
        var holder = new FakeOwner(-1);
        var timeout = TimeSpan.FromSeconds(1);
        var enqueue = new List<double>();
        var expire = new List<double>();
        for (var r = -1; r < (cfg.Quick ? 3 : 7); r++)
        {
            var table = NewTable();
            table.TryLock(holder, null, "g-key");
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < waiters; i++)
            {
                table.Await(waiterRefs[i], waiterRefs[i], "g-key", timeout, now: i / 100);
            }

            var queued = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            table.ExpireDue(now: 1_000 + waiters);
            var expired = sw.Elapsed.TotalMilliseconds;
            if (table.PartyCount != 1)
            {
                throw new InvalidOperationException($"expected only the holder to remain, found {table.PartyCount} parties");
            }

            if (r >= 0)
            {
                enqueue.Add(queued);
                expire.Add(expired);
            }
        }

        Harness.Add(new Result("g.table-enqueue", "100k Await with a 1 s timeout (own owner each) on one held key, table only",
            Harness.Median(enqueue), enqueue.Min(), enqueue.Max(), "ms", null));
        Harness.Add(new Result("g.table-expire", "ExpireDue timing out all 100k at once, table only",
            Harness.Median(expire), expire.Min(), expire.Max(), "ms", null));
    }

    // ---------------------------------------------------------------------------------------
    // h. crash release, on the table
    // ---------------------------------------------------------------------------------------

    public void CrashRelease()
    {
        if (!cfg.Selected("h.table"))
        {
            return;
        }

        const int holders = 10_000;
        const int keysEach = 10;
        var holderRefs = FakeOwner.Many(holders);
        var heirRefs = FakeOwner.Many(holders, firstId: holders);
        var keys = new object[holders][];
        for (var i = 0; i < holders; i++)
        {
            keys[i] = Enumerable.Range(0, keysEach).Select(j => (object)$"h-{i}-{j}").ToArray();
        }

        foreach (var withWaiters in new[] { false, true })
        {
            var times = new List<double>();
            for (var r = -1; r < (cfg.Quick ? 3 : 7); r++)
            {
                var table = NewTable();
                for (var i = 0; i < holders; i++)
                {
                    foreach (var key in keys[i])
                    {
                        table.TryLock(holderRefs[i], null, key);
                    }

                    if (withWaiters)
                    {
                        table.AwaitAll(heirRefs[i], null, keys[i], Timeout.InfiniteTimeSpan, now: 0);
                    }
                }

                var sw = Stopwatch.StartNew();
                foreach (var h in holderRefs)
                {
                    table.Terminated(h);
                }

                var elapsed = sw.Elapsed.TotalMilliseconds;
                var expectedKeys = withWaiters ? holders * keysEach : 0;
                if (table.KeyCount != expectedKeys)
                {
                    throw new InvalidOperationException($"expected {expectedKeys} keys after the crash, found {table.KeyCount}");
                }

                if (r >= 0)
                {
                    times.Add(elapsed);
                }
            }

            var id = withWaiters ? "h.table-crash-regrant" : "h.table-crash-free";
            var what = withWaiters
                ? "Terminated for 10k owners × 10 keys, each key re-granted to a waiting AwaitAll, table only"
                : "Terminated for 10k owners × 10 keys, nobody waiting (all keys freed), table only";
            Harness.Add(new Result(id, what, Harness.Median(times), times.Min(), times.Max(), "ms", null));
        }
    }

    /// <summary>The least per-key state of e's floor: holder, fencing token, and the neighbours in the owner's list of keys.</summary>
    private record struct LeastKeyState(object Holder, long Token, object? Previous, object? Next);
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LockActors.Table;

namespace LockActors.Benchmarks;

internal sealed partial class TableScenarios
{
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
                    waitTable.Await(waiterRefs[i], null, $"wkey-{i % 1000}", null, arrived: 0);
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

    /// <summary>The least per-key state of e's floor: holder, fencing token, and the neighbours in the owner's list of keys.</summary>
    private record struct LeastKeyState(object Holder, long Token, object? Previous, object? Next);
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LockActors.Table;

namespace LockActors.Benchmarks;

internal sealed partial class TableScenarios
{
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
                table.Await(waiterRefs[i], waiterRefs[i], "g-key", timeout, arrived: i / 100);
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
                        table.AwaitAll(heirRefs[i], null, keys[i], Timeout.InfiniteTimeSpan, arrived: 0);
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
}

using System.Diagnostics;
using Akka.Actor;

namespace LockActors.Benchmarks;

internal sealed partial class ActorScenarios
{
    // ---------------------------------------------------------------------------------------
    // b. independent keys, Tell protocol, against Tell ping-pong
    // ---------------------------------------------------------------------------------------

    public async Task IndependentKeysAsync()
    {
        var (pair, pairActors) = TellEcho(1, "base.tell-pingpong-1");
        var (echo64, echo64Actors) = TellEcho(64);
        var (one, m1, l1) = Loopers("b.tell-1", "1 actor, TryLock+Release of its own key (Tell)", 1, i =>
        {
            var request = new TryLock($"b-{i}");
            return () => request;
        });
        var (many, m64, l64) = Loopers("b.tell-64", "64 actors, each TryLock+Release of its own key (Tell)", 64, i =>
        {
            var request = new TryLock($"b-{i}");
            return () => request;
        });

        // Experiment: each actor also holds a key it never releases, so the manager watches it once
        // instead of watching and unwatching it on every cycle.
        var (anchored, ma, la) = Loopers("b.tell-64-anchored", "as b.tell-64, each owner keeps one other key held (no watch/unwatch per cycle)", 64, i =>
        {
            var request = new TryLock($"b-{i}");
            return () => request;
        }, (manager, looper, i) => manager.Tell(new TryLock($"anchor-{i}") { Owner = looper }, ActorRefs.NoSender));

        await Harness.InterleavedAsync(cfg, "b", pair, echo64, one, many, anchored, SemaphoreMany(64));
        await ShutdownAsync(m1, l1);
        await ShutdownAsync(m64, l64);
        await ShutdownAsync(ma, la);
        await StopAsync([.. pairActors, .. echo64Actors]);
    }

    // ---------------------------------------------------------------------------------------
    // c. contention on one key, against the same number of actors on their own keys
    // ---------------------------------------------------------------------------------------

    public async Task ContentionAsync(int n)
    {
        var (echo, echoActors) = TellEcho(n, $"c.base-tell-echo-{n}");
        var (free, mf, lf) = Loopers($"c.uncontended-{n}", $"{n} actors, each Await+Release of its own key", n, i =>
        {
            var request = new Await($"c-{i}");
            return () => request;
        });
        var (shared, ms, ls) = Loopers($"c.contended-{n}", $"{n} actors, Await+Release of one shared key (hand-offs)", n, _ =>
        {
            var request = new Await("c-shared");
            return () => request;
        });

        var handOff = system.ActorOf(Props.Create<HandOffFloor>());
        var floorLoopers = Enumerable.Range(0, n).Select(_ =>
        {
            var request = new Await("floor");
            Func<object> next = () => request;
            return system.ActorOf(Props.Create(() => new LockLooper(handOff, next)));
        }).ToArray();
        var floor = new Workload($"c.floor-handoff-{n}", $"{n} actors, Await+Release of one key through an actor that only queues and hands over (nothing checked, timed or watched): the fastest hand-off any lock manager can make", "cycles/s", 20_000, Drive(floorLoopers), n);

        var failures = Interlocked.Read(ref LockLooper.Failures);
        await Harness.InterleavedAsync(cfg, $"c{n}", echo, free, shared, floor);
        if (cfg.Selected($"c.contended-{n}-paired"))
        {
            await Harness.PairedAsync(cfg, $"c.contended-{n}-paired", $"c.contended-{n} ÷ c.uncontended-{n}, in alternating slices (0.1 s; 0.05 s in quick mode)", shared, free, 1);
        }

        if (n == 64 && cfg.Selected($"c.floor-handoff-{n}-paired"))
        {
            await Harness.PairedAsync(cfg, $"c.floor-handoff-{n}-paired", $"c.floor-handoff-{n} ÷ c.uncontended-{n}, in alternating slices (0.1 s; 0.05 s in quick mode)", floor, free, 1);
        }

        ReportFailures(failures);
        await ShutdownAsync(mf, lf);
        await ShutdownAsync(ms, ls);
        await StopAsync([.. echoActors, .. floorLoopers, handOff]);
    }

    // ---------------------------------------------------------------------------------------
    // d. AwaitAll of 4 random keys, against Await of 1 random key
    // ---------------------------------------------------------------------------------------

    public async Task AwaitAllAsync()
    {
        var keys = Enumerable.Range(0, 100).Select(i => (object)$"d-{i}").ToArray();
        var (single, m1, l1) = Loopers("d.await-1of100", "64 actors, Await of 1 random key of 100, then Release", 64, i =>
        {
            var rng = new Random(i);
            return () => new Await(keys[rng.Next(keys.Length)]);
        });
        var (multi, m4, l4) = Loopers("d.awaitall-4of100", "64 actors, AwaitAll of 4 random keys of 100, then Release", 64, i =>
        {
            var rng = new Random(i);
            return () =>
            {
                var picked = new object[4];
                var n = 0;
                while (n < 4)
                {
                    var k = keys[rng.Next(keys.Length)];
                    if (Array.IndexOf(picked, k, 0, n) < 0)
                    {
                        picked[n++] = k;
                    }
                }

                return new AwaitAll(picked);
            };
        });

        var failures = Interlocked.Read(ref LockLooper.Failures);
        await Harness.InterleavedAsync(cfg, "d", single, multi);
        ReportFailures(failures);
        await ShutdownAsync(m1, l1);
        await ShutdownAsync(m4, l4);
    }

    private static void ReportFailures(long before)
    {
        var failed = Interlocked.Read(ref LockLooper.Failures) - before;
        if (failed > 0)
        {
            Console.WriteLine($"    note: {failed} requests were answered busy/timed out/refused and retried");
        }
    }
}

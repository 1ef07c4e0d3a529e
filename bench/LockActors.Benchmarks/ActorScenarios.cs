using System.Diagnostics;
using Akka.Actor;

namespace LockActors.Benchmarks;

/// <summary>Scenarios that run through a real actor system: the baselines, a–d, and the actor halves of g and h.</summary>
internal sealed class ActorScenarios(BenchConfig cfg, ActorSystem system)
{
    private int _managers;

    private IActorRef NewManager(LockManagerSettings? settings = null) =>
        system.ActorOf(LockManager.Props(settings), $"locks-{++_managers}");

    /// <summary>Releases everything the owners hold, then stops the manager and the owners: no lock is lost noisily.</summary>
    private async Task ShutdownAsync(IActorRef manager, params IActorRef[] owners)
    {
        // Sent as each owner: only the owner itself may say goodbye without presenting its grants.
        foreach (var owner in owners)
        {
            manager.Tell(new Goodbye(), owner);
        }

        await manager.Ask<object>(GetMeta.Instance);
        await StopAsync([manager, .. owners]);
    }

    private async Task StopAsync(params IActorRef[] actors)
    {
        foreach (var actor in actors)
        {
            await actor.GracefulStop(TimeSpan.FromSeconds(30));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Workloads (each group below runs its workloads interleaved, baselines included)
    // ---------------------------------------------------------------------------------------

    private static readonly object Msg = new();

    private Workload EchoAsk(IActorRef echo) => new("base.ask-echo", "await echo.Ask(msg), one caller", "asks/s", 5_000, async n =>
    {
        for (var i = 0; i < n; i++)
        {
            await echo.Ask<object>(Msg);
        }
    });

    private Workload SemaphoreOne() => new("base.semaphore-1", "SemaphoreSlim WaitAsync+Release, one caller", "acq/s", 1_000_000, async n =>
    {
        var sem = new SemaphoreSlim(1, 1);
        for (var i = 0; i < n; i++)
        {
            await sem.WaitAsync();
            sem.Release();
        }
    });

    private Workload SemaphoreMany(int tasks) => new($"base.semaphore-{tasks}", $"SemaphoreSlim, {tasks} tasks contending", "acq/s", 200_000, async n =>
    {
        var sem = new SemaphoreSlim(1, 1);
        var each = n / tasks;
        await Task.WhenAll(Enumerable.Range(0, tasks).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await sem.WaitAsync();
                sem.Release();
            }
        })));
    }, tasks);

    /// <summary>Tells each looping actor to run its share of n cycles and waits for all of them.</summary>
    private static Func<int, Task> Drive(IActorRef[] actors) => async n =>
    {
        var done = new Countdown(actors.Length);
        foreach (var actor in actors)
        {
            actor.Tell(new Go(n / actors.Length, done));
        }

        await done.Task;
    };

    /// <summary>n actors ping-ponging with one echo actor; the round-trip rate a single busy actor sustains.</summary>
    private (Workload, IActorRef[]) TellEcho(int clients, string? id = null)
    {
        var server = system.ActorOf(Props.Create<Echo>());
        var pingers = Enumerable.Range(0, clients).Select(_ => system.ActorOf(Props.Create(() => new PingPong(server)))).ToArray();
        var what = clients == 1 ? "two actors bouncing one message (round trips)" : $"{clients} actors ping-ponging with one echo actor (round trips)";
        return (new Workload(id ?? $"base.tell-echo-{clients}", what, "trips/s", 50_000, Drive(pingers), clients), [.. pingers, server]);
    }

    /// <summary>n Tell-protocol lock users on one fresh manager.</summary>
    private (Workload, IActorRef Manager, IActorRef[] Loopers) Loopers(
        string id, string what, int count, Func<int, Func<object>> requestFactory, Action<IActorRef, IActorRef, int>? prepare = null)
    {
        var manager = NewManager();
        var loopers = new IActorRef[count];
        for (var i = 0; i < count; i++)
        {
            var next = requestFactory(i);
            loopers[i] = system.ActorOf(Props.Create(() => new LockLooper(manager, next)));
            prepare?.Invoke(manager, loopers[i], i);
        }

        return (new Workload(id, what, "cycles/s", 20_000, Drive(loopers), count), manager, loopers);
    }

    // ---------------------------------------------------------------------------------------
    // a. one caller, lock + release, against two echo Asks
    // ---------------------------------------------------------------------------------------

    public async Task OneCallerAsync()
    {
        var echo = system.ActorOf(Props.Create<Echo>(), "echo");
        var ext = (ExtendedActorSystem)system;
        var floor = new ReplySlot(ext.Provider, asyncContinuations: true);
        var inline = new ReplySlot(ext.Provider, asyncContinuations: false);
        var managerFloor = new ReplySlot(ext.Provider, asyncContinuations: true);
        var manager = NewManager();
        var client = new LockClient(manager);
        var owner = system.ActorOf(Props.Create<Sink>());
        var ownerClient = new LockClient(manager, new LockClientOptions { Owner = system.ActorOf(Props.Create<Sink>()) });
        await manager.Ask<object>(new TryLock("a-busy") { Owner = owner });

        var managerFloorLoop = new Workload("a.floor-manager", "TryLock + Release through a long-lived reply reference (the owner) with a reused completion source: the floor of any client against this manager", "cycles/s", 5_000, async n =>
        {
            var request = new TryLock("a-key");
            for (var i = 0; i < n; i++)
            {
                var acquired = (LockAcquired)await managerFloor.RequestAsync(manager, request);
                await managerFloor.RequestAsync(manager, new Release(acquired.Grant));
            }
        });
        var clientLock = new Workload("a.client-lock", "LockClient.LockAsync + ReleaseAsync, one caller", "cycles/s", 1_000, async n =>
        {
            for (var i = 0; i < n; i++)
            {
                var handle = await client.LockAsync("a-key");
                await handle.ReleaseAsync();
            }
        });
        var clientTryLock = new Workload("a.client-trylock", "LockClient.TryLockAsync + ReleaseAsync, one caller", "cycles/s", 1_000, async n =>
        {
            for (var i = 0; i < n; i++)
            {
                var handle = await client.TryLockAsync("a-key") ?? throw new InvalidOperationException("a-key should be free");
                await handle.ReleaseAsync();
            }
        });
        var echoAsk = EchoAsk(echo);

        await Harness.InterleavedAsync(cfg, "a",
            echoAsk,
            new Workload("base.ask-echo-timeout", "echo Ask with a 10 s timeout (a scheduler timer per Ask)", "asks/s", 5_000, async n =>
            {
                var timeout = TimeSpan.FromSeconds(10);
                for (var i = 0; i < n; i++)
                {
                    await echo.Ask<object>(Msg, timeout);
                }
            }),
            new Workload("base.floor-2trips", "2 round trips to the echo actor through one long-lived reply reference with a reused completion source (the floor of any client's cycle)", "cycles/s", 5_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    await floor.RequestAsync(echo, Msg);
                    await floor.RequestAsync(echo, Msg);
                }
            }),
            new Workload("base.floor-2trips-inline", "the same, the caller resumed inline on the echo actor's thread (not allowed for a client; shows the cost of the hop to the pool)", "cycles/s", 5_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    await inline.RequestAsync(echo, Msg);
                    await inline.RequestAsync(echo, Msg);
                }
            }),
            // The same floor against the real manager: what any client of this manager can reach.
            managerFloorLoop,
            new Workload("a.floor-manager-fresh", "as a.floor-manager with a new reply reference per cycle: each lock a new owner (each also watched, and an older idle one unwatched)", "cycles/s", 5_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    var owner = new ReplySlot(ext.Provider, asyncContinuations: true);
                    var acquired = (LockAcquired)await owner.RequestAsync(manager, new TryLock("a-key"));
                    await owner.RequestAsync(manager, new Release(acquired.Grant));
                }
            }),
            SemaphoreOne(),
            clientLock,
            new Workload("a.client-trylock-busy", "LockClient.TryLockAsync of a key held by another owner (null), one caller", "ops/s", 1_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    if (await client.TryLockAsync("a-busy") is not null)
                    {
                        throw new InvalidOperationException("a-busy should be held");
                    }
                }
            }),
            clientTryLock,
            new Workload("a.client-lock-owner", "LockClient{Owner = an actor}.LockAsync + ReleaseAsync, one caller", "cycles/s", 1_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    var handle = await ownerClient.LockAsync("a-key");
                    await handle.ReleaseAsync();
                }
            }),
            new Workload("a.raw-ask", "Ask TryLock{Owner} + Ask Release{Owner}, one caller", "cycles/s", 5_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    var acquired = (LockAcquired)await manager.Ask<object>(new TryLock("a-key") { Owner = owner });
                    await manager.Ask<object>(new Release(acquired.Grant) { Owner = owner });
                }
            }));

        // The same target and its manager floor again, each in short slices alternating with the
        // echo Asks, so both sides of every ratio ran in the same state of the thread pool.
        if (cfg.Selected("a.client-lock-paired"))
        {
            await Harness.PairedAsync(cfg, "a.client-lock-paired", "a.client-lock ÷ ½ base.ask-echo, in alternating slices (0.1 s; 0.05 s in quick mode)", clientLock, echoAsk, 0.5);
        }

        if (cfg.Selected("a.client-trylock-paired"))
        {
            await Harness.PairedAsync(cfg, "a.client-trylock-paired", "a.client-trylock ÷ ½ base.ask-echo, in alternating slices (0.1 s; 0.05 s in quick mode)", clientTryLock, echoAsk, 0.5);
        }

        if (cfg.Selected("a.floor-manager-paired"))
        {
            await Harness.PairedAsync(cfg, "a.floor-manager-paired", "a.floor-manager ÷ ½ base.ask-echo, in alternating slices (0.1 s; 0.05 s in quick mode)", managerFloorLoop, echoAsk, 0.5);
        }

        await ShutdownAsync(manager, owner);
        await StopAsync(echo);
    }

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

    // ---------------------------------------------------------------------------------------
    // g. 100k waiters with timeouts, through the actor
    // ---------------------------------------------------------------------------------------

    public async Task TimeoutsAsync()
    {
        if (!cfg.Selected("g.actor"))
        {
            return;
        }

        const int waiters = 100_000;
        const int owners = 1_000;
        var timeout = TimeSpan.FromMilliseconds(cfg.Quick ? 1_000 : 2_000);
        var manager = NewManager();
        var holder = system.ActorOf(Props.Create<Sink>());
        await manager.Ask<object>(new TryLock("g-key") { Owner = holder });
        var ownerRefs = Enumerable.Range(0, owners).Select(_ => system.ActorOf(Props.Create<Sink>())).ToArray();
        Countdown? current = null;
        var counter = system.ActorOf(Props.Create(() => new ReplyCounter<LockTimedOut>(() => Volatile.Read(ref current))));

        var enqueueRates = new List<double>();
        var lags = new List<double>();
        var reps = cfg.Quick ? 2 : 5;
        for (var r = 0; r < reps + 1; r++)
        {
            var done = new Countdown(waiters);
            Volatile.Write(ref current, done);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < waiters; i++)
            {
                manager.Tell(new Await("g-key", timeout) { Owner = ownerRefs[i % owners] }, counter);
            }

            await manager.Ask<object>(GetMeta.Instance);
            var enqueued = sw.Elapsed;
            await done.Task;
            var last = sw.Elapsed;
            if (r == 0)
            {
                continue; // warm-up
            }

            enqueueRates.Add(waiters / enqueued.TotalSeconds);
            lags.Add((last - enqueued - timeout).TotalMilliseconds);
        }

        Harness.Add(new Result("g.actor-enqueue", "100k Await{Owner, 1–2 s timeout} told from one thread, until the manager has queued them all",
            Harness.Median(enqueueRates), enqueueRates.Min(), enqueueRates.Max(), "waits/s", null));
        Harness.Add(new Result("g.actor-expire-lag", "after the last deadline, until the last LockTimedOut arrived (100k time-outs)",
            Harness.Median(lags), lags.Min(), lags.Max(), "ms", null));
        await ShutdownAsync(manager, [.. ownerRefs, holder, counter]);
    }

    // ---------------------------------------------------------------------------------------
    // h. crash release, through the actor
    // ---------------------------------------------------------------------------------------

    public async Task CrashReleaseAsync()
    {
        if (!cfg.Selected("h.actor"))
        {
            return;
        }

        const int holders = 10_000;
        const int keysEach = 10;
        var keys = new object[holders][];
        for (var i = 0; i < holders; i++)
        {
            keys[i] = Enumerable.Range(0, keysEach).Select(j => (object)$"h-{i}-{j}").ToArray();
        }

        var manager = NewManager();
        Countdown? current = null;
        var counter = system.ActorOf(Props.Create(() => new ReplyCounter<LockAcquired>(() => Volatile.Read(ref current))));
        var times = new List<double>();
        var setups = new List<double>();
        var reps = cfg.Quick ? 2 : 5;
        for (var r = 0; r < reps + 1; r++)
        {
            var setup = Stopwatch.StartNew();
            var held = new Countdown(holders);
            var holderRefs = new IActorRef[holders];
            for (var i = 0; i < holders; i++)
            {
                var mine = keys[i];
                holderRefs[i] = system.ActorOf(Props.Create(() => new KeyHolder(manager, mine, held)));
            }

            await held.Task;
            var heirs = Enumerable.Range(0, holders).Select(_ => system.ActorOf(Props.Create<Sink>())).ToArray();
            var regranted = new Countdown(holders);
            Volatile.Write(ref current, regranted);
            for (var i = 0; i < holders; i++)
            {
                manager.Tell(new AwaitAll(keys[i], Timeout.InfiniteTimeSpan) { Owner = heirs[i] }, counter);
            }

            await manager.Ask<object>(GetMeta.Instance);
            setups.Add(setup.Elapsed.TotalMilliseconds);

            var sw = Stopwatch.StartNew();
            foreach (var h in holderRefs)
            {
                system.Stop(h);
            }

            await regranted.Task;
            var elapsed = sw.Elapsed.TotalMilliseconds;
            if (r > 0)
            {
                times.Add(elapsed);
            }

            foreach (var heir in heirs)
            {
                manager.Tell(new Goodbye(), heir);
                system.Stop(heir);
            }

            await manager.Ask<object>(GetMeta.Instance);
        }

        Harness.Add(new Result("h.actor-crash-regrant", "10k owners × 10 keys stopped at once, until all 10k waiting AwaitAll{10 keys} are granted",
            Harness.Median(times), times.Min(), times.Max(), "ms", null));
        Harness.Add(new Result("h.actor-setup", "(setup: 10k actors TryLock 10 keys each by Tell, 10k AwaitAll queued)",
            Harness.Median(setups), setups.Min(), setups.Max(), "ms", null));
        await ShutdownAsync(manager, counter);
    }
}

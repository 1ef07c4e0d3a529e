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
        foreach (var owner in owners)
        {
            manager.Tell(new Goodbye { Owner = owner }, ActorRefs.NoSender);
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
    // 2. Baselines
    // ---------------------------------------------------------------------------------------

    public async Task BaselinesAsync()
    {
        var echo = system.ActorOf(Props.Create<Echo>(), "echo");
        var msg = new object();

        if (cfg.Selected("base.ask-echo"))
        {
            await Harness.ThroughputAsync(cfg, "base.ask-echo", "await echo.Ask(msg), one caller", 5_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    await echo.Ask<object>(msg);
                }
            }, "asks/s");

            await Harness.ThroughputAsync(cfg, "base.ask-echo-timeout", "the same with a 10 s Ask timeout (a scheduler timer per Ask)", 5_000, async n =>
            {
                var timeout = TimeSpan.FromSeconds(10);
                for (var i = 0; i < n; i++)
                {
                    await echo.Ask<object>(msg, timeout);
                }
            }, "asks/s");
        }

        if (cfg.Selected("base.spawn-roundtrip"))
        {
            // What LockClient pays per operation besides the messages: an actor created, one round
            // trip through it, and the actor stopped.
            var ext = (ExtendedActorSystem)system;
            await Harness.ThroughputAsync(cfg, "base.spawn-roundtrip", "SystemActorOf + one Tell round trip to echo + Stop, one caller", 2_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    var tcs = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
                    ext.SystemActorOf(Props.Create(() => new OneShot(echo, msg, tcs)));
                    await tcs.Task;
                }
            }, "ops/s");

            // The same with Props built from a type and arguments instead of an expression tree.
            await Harness.ThroughputAsync(cfg, "base.spawn-roundtrip-typed", "as base.spawn-roundtrip, Props.Create(typeof(...), args) instead of an expression", 2_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    var tcs = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
                    ext.SystemActorOf(Props.Create(typeof(OneShot), echo, msg, tcs));
                    await tcs.Task;
                }
            }, "ops/s");
        }

        if (cfg.Selected("base.tell-pingpong"))
        {
            var b = system.ActorOf(Props.Create<Echo>());
            var a = system.ActorOf(Props.Create(() => new PingPong(b)));
            await Harness.ThroughputAsync(cfg, "base.tell-pingpong-1", "two actors bouncing one message (round trips)", 20_000, async n =>
            {
                var done = new Countdown(1);
                a.Tell(new Go(n, done));
                await done.Task;
            }, "trips/s");
            await StopAsync(a, b);

            foreach (var clients in new[] { 2, 8, 64 })
            {
                var server = system.ActorOf(Props.Create<Echo>());
                var pingers = Enumerable.Range(0, clients).Select(_ => system.ActorOf(Props.Create(() => new PingPong(server)))).ToArray();
                await Harness.ThroughputAsync(cfg, $"base.tell-echo-{clients}", $"{clients} actors ping-ponging with one echo actor (round trips)", 50_000, async n =>
                {
                    var done = new Countdown(clients);
                    foreach (var p in pingers)
                    {
                        p.Tell(new Go(n / clients, done));
                    }

                    await done.Task;
                }, "trips/s", clients);
                await StopAsync([.. pingers, server]);
            }
        }

        if (cfg.Selected("base.semaphore"))
        {
            var sem = new SemaphoreSlim(1, 1);
            await Harness.ThroughputAsync(cfg, "base.semaphore-1", "SemaphoreSlim WaitAsync+Release, one caller", 1_000_000, async n =>
            {
                for (var i = 0; i < n; i++)
                {
                    await sem.WaitAsync();
                    sem.Release();
                }
            }, "acq/s");

            foreach (var tasks in new[] { 64 })
            {
                await Harness.ThroughputAsync(cfg, $"base.semaphore-{tasks}", $"SemaphoreSlim, {tasks} tasks contending", 200_000, async n =>
                {
                    var each = n / tasks;
                    await Task.WhenAll(Enumerable.Range(0, tasks).Select(_ => Task.Run(async () =>
                    {
                        for (var i = 0; i < each; i++)
                        {
                            await sem.WaitAsync();
                            sem.Release();
                        }
                    })));
                }, "acq/s", tasks);
            }
        }

        await StopAsync(echo);
    }

    // ---------------------------------------------------------------------------------------
    // a. one caller, lock + release
    // ---------------------------------------------------------------------------------------

    public async Task OneCallerAsync()
    {
        if (!cfg.Selected("a."))
        {
            return;
        }

        var manager = NewManager();
        var client = new LockClient(manager);
        await Harness.ThroughputAsync(cfg, "a.client-lock", "LockClient.LockAsync + ReleaseAsync, one caller", 2_000, async n =>
        {
            for (var i = 0; i < n; i++)
            {
                var handle = await client.LockAsync("a-key");
                await handle.ReleaseAsync();
            }
        }, "cycles/s");

        await Harness.ThroughputAsync(cfg, "a.client-await", "LockClient.AwaitAsync + ReleaseAsync, one caller", 2_000, async n =>
        {
            for (var i = 0; i < n; i++)
            {
                var handle = await client.AwaitAsync("a-key");
                await handle.ReleaseAsync();
            }
        }, "cycles/s");

        var owner = system.ActorOf(Props.Create<Sink>());
        await Harness.ThroughputAsync(cfg, "a.raw-ask", "Ask TryLock{Owner} + Ask Release{Owner}, one caller", 5_000, async n =>
        {
            for (var i = 0; i < n; i++)
            {
                var acquired = (LockAcquired)await manager.Ask<object>(new TryLock("a-key") { Owner = owner });
                await manager.Ask<object>(new Release(acquired.Grant) { Owner = owner });
            }
        }, "cycles/s");

        await ShutdownAsync(manager, owner);
    }

    // ---------------------------------------------------------------------------------------
    // b. independent keys, Tell protocol; c. contention on one key; d. AwaitAll
    // ---------------------------------------------------------------------------------------

    private async Task LoopersAsync(string id, string what, int count, Func<int, Func<object>> requestFactory, Action<IActorRef, IActorRef, int>? prepare = null)
    {
        var manager = NewManager();
        var loopers = new IActorRef[count];
        for (var i = 0; i < count; i++)
        {
            var next = requestFactory(i);
            loopers[i] = system.ActorOf(Props.Create(() => new LockLooper(manager, next)));
            prepare?.Invoke(manager, loopers[i], i);
        }

        var failures = Interlocked.Read(ref LockLooper.Failures);
        await Harness.ThroughputAsync(cfg, id, what, 20_000, async n =>
        {
            var done = new Countdown(count);
            foreach (var looper in loopers)
            {
                looper.Tell(new Go(n / count, done));
            }

            await done.Task;
        }, "cycles/s", count);

        var failed = Interlocked.Read(ref LockLooper.Failures) - failures;
        if (failed > 0)
        {
            Console.WriteLine($"    note: {failed} requests were answered busy/timed out/refused and retried");
        }

        await ShutdownAsync(manager, loopers);
    }

    public async Task IndependentKeysAsync()
    {
        foreach (var n in new[] { 1, 64 })
        {
            if (cfg.Selected($"b.tell-{n}"))
            {
                await LoopersAsync($"b.tell-{n}", $"{n} actor(s), each TryLock+Release of its own key (Tell)", n, i =>
                {
                    var request = new TryLock($"b-{i}");
                    return () => request;
                });
            }
        }

        if (cfg.Selected("b.tell-64-anchored"))
        {
            // Experiment: each actor also holds a key it never releases, so the manager watches it
            // once instead of watching and unwatching it on every cycle.
            await LoopersAsync("b.tell-64-anchored", "as b.tell-64, but each owner keeps one extra key held (no watch/unwatch per cycle)", 64, i =>
            {
                var request = new TryLock($"b-{i}");
                return () => request;
            }, (manager, looper, i) => manager.Tell(new TryLock($"anchor-{i}") { Owner = looper }, ActorRefs.NoSender));
        }
    }

    public async Task ContentionAsync()
    {
        foreach (var n in new[] { 2, 8, 64 })
        {
            if (cfg.Selected($"c.uncontended-{n}"))
            {
                await LoopersAsync($"c.uncontended-{n}", $"{n} actors, each Await+Release of its own key", n, i =>
                {
                    var request = new Await($"c-{i}");
                    return () => request;
                });
            }

            if (cfg.Selected($"c.contended-{n}"))
            {
                await LoopersAsync($"c.contended-{n}", $"{n} actors, Await+Release of one shared key (hand-offs)", n, _ =>
                {
                    var request = new Await("c-shared");
                    return () => request;
                });
            }
        }
    }

    public async Task AwaitAllAsync()
    {
        var keys = Enumerable.Range(0, 100).Select(i => (object)$"d-{i}").ToArray();
        if (cfg.Selected("d.await-1of100"))
        {
            await LoopersAsync("d.await-1of100", "64 actors, Await of 1 random key of 100, then Release", 64, i =>
            {
                var rng = new Random(i);
                return () => new Await(keys[rng.Next(keys.Length)]);
            });
        }

        if (cfg.Selected("d.awaitall-4of100"))
        {
            await LoopersAsync("d.awaitall-4of100", "64 actors, AwaitAll of 4 random keys of 100, then Release", 64, i =>
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
                manager.Tell(new Goodbye { Owner = heir }, ActorRefs.NoSender);
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

    /// <summary>Sends one message to a peer on start, completes a task with the reply and stops.</summary>
    private sealed class OneShot(IActorRef peer, object message, TaskCompletionSource<object> done) : UntypedActor
    {
        protected override void PreStart() => peer.Tell(message, Self);

        protected override void OnReceive(object reply)
        {
            done.TrySetResult(reply);
            Context.Stop(Self);
        }
    }
}

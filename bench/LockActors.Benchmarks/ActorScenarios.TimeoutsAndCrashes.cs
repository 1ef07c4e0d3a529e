using System.Diagnostics;
using Akka.Actor;

namespace LockActors.Benchmarks;

internal sealed partial class ActorScenarios
{
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

using System.Diagnostics;
using Akka.Actor;

namespace LockActors.Benchmarks;

internal sealed partial class ActorScenarios
{
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
}

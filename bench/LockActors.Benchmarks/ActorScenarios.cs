using System.Diagnostics;
using Akka.Actor;

namespace LockActors.Benchmarks;

/// <summary>Scenarios that run through a real actor system: the baselines, a–d, and the actor halves of g and h.</summary>
internal sealed partial class ActorScenarios(BenchConfig cfg, ActorSystem system)
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
}

using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;

namespace LockActors.Chaos;

/// <summary>What one run of random owners against a restarting manager observed.</summary>
internal sealed record ActorChaosReport(
    ChaosSettings Settings,
    TimeSpan Duration,
    bool Finished,
    IReadOnlyList<string> Stuck,
    IReadOnlyList<string> KeysNotFree,
    IReadOnlyList<string> Errors,
    int Incarnations,
    CriticalSectionRecorder Recorder,
    ReplyLedger Ledger)
{
    public override string ToString()
    {
        var l = Ledger;
        var r = Recorder;
        return $"""
            {Settings}
            finished: {Finished} in {Duration.TotalSeconds:F1} s; {l.Operations:N0} operations ({l.Operations / Math.Max(Duration.TotalSeconds, 0.001):N0}/s), manager incarnations: {Incarnations}
            replies: {l.ExpectingReply:N0} expected, {l.FinalReplies:N0} final, {l.Abandoned:N0} abandoned by dying owners, {l.ProblemCount} problems
            critical sections: {r.Entries:N0} entered, {r.ViolationCount} violations, {r.OverlapsAcrossRestarts} overlaps across restarts (allowed, told LockLost)
            time-outs: {l.TimedOut:N0}; early: {l.EarlyTimeouts} (max {l.MaxEarliness.TotalMilliseconds:F2} ms); beyond {ReplyLedger.LateBound.TotalSeconds} s: {l.LateTimeouts}; longest overrun {l.MaxOverrun.TotalMilliseconds:F0} ms
            fencing tokens not above the previous incarnation's, on a key's first grant after a restart: {r.TokenRestarts}
            unexplained errors logged: {Errors.Count}; keys not free at the end: {KeysNotFree.Count}
            """ + Lines("stuck", Stuck) + Lines("not free", KeysNotFree) + Lines("error", Errors)
            + Lines("violation", r.Violations) + Lines("problem", l.Problems);
    }

    private static string Lines(string label, IEnumerable<string> items) =>
        string.Concat(items.Take(20).Select(i => $"\n  {label}: {i}"));
}

/// <summary>
/// Runs random owners (<see cref="ChaosOwner"/>) against a manager that is killed and restarted a
/// few times, then checks that every key ends free. Runs in an actor system of its own.
/// </summary>
internal static class ActorChaosRun
{
    public static readonly Config SystemConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = ERROR
        akka.stdout-loglevel = ERROR
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        """);

    public static async Task<ActorChaosReport> RunAsync(ChaosSettings settings)
    {
        using var system = ActorSystem.Create("chaos", SystemConfig);
        var errors = ErrorCollection.Start(system);
        var incarnations = new IncarnationCounter();
        var parent = system.ActorOf(RestartableManager.Props(incarnations), "managed");
        var manager = await parent.Ask<IActorRef>(RestartableManager.GetManager.Instance, TimeSpan.FromSeconds(10));
        var keys = new ChaosKeys(settings.LockKeys, settings.SemaphoreKeys);
        var world = new ChaosWorld(manager, keys, new CriticalSectionRecorder(),
            new ReplyLedger(settings.Operations, settings.ManagerRestarts), settings.Owners)
        {
            RestartTarget = parent,
            Incarnations = incarnations,
        };

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.StartNew();
        system.ActorOf(OwnerSpawner.Props(world, settings.Seed, done), "owners");
        var finished = await Task.WhenAny(done.Task, Task.Delay(settings.Deadline)) == done.Task;
        var duration = started.Elapsed;
        var stuck = finished ? [] : world.Stuck().ToList();

        world.Recorder.CheckEveryOverlapWasLost();
        var notFree = await KeysNotFreeAsync(manager, keys.All, finished ? TimeSpan.FromSeconds(10) : TimeSpan.Zero);
        var report = new ActorChaosReport(settings, duration, finished, stuck, notFree, errors.ToList(),
            incarnations.Current, world.Recorder, world.Ledger);
        await system.Terminate();
        return report;
    }

    /// <summary>
    /// The keys the manager still shows held or waited for. The manager learns of the owners'
    /// deaths asynchronously, so a key may take a moment to be freed: asked again until all are free
    /// or a generous bound has passed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> KeysNotFreeAsync(IActorRef manager, IReadOnlyList<object> keys, TimeSpan patience)
    {
        var bound = Stopwatch.StartNew();
        while (true)
        {
            var busy = new List<string>();
            foreach (var key in keys)
            {
                var status = await manager.Ask<KeyStatus>(ChaosProtocol.Inspect(key), TimeSpan.FromSeconds(10));
                if (!ChaosProtocol.IsFree(status))
                {
                    busy.Add($"{key} (capacity {status.Capacity}): holders [{string.Join(", ", status.Holders)}], queue [{string.Join(", ", status.Queue)}]");
                }
            }

            if (busy.Count == 0 || bound.Elapsed > patience)
            {
                return busy;
            }

            await Task.Delay(50);
        }
    }
}

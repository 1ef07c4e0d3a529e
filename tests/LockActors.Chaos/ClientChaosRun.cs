using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;

namespace LockActors.Chaos;

/// <summary>What one run of random <see cref="LockClient"/> callers observed.</summary>
internal sealed record ClientChaosReport(
    ChaosSettings Settings,
    TimeSpan Duration,
    bool Finished,
    long Operations,
    IReadOnlyDictionary<string, long> Outcomes,
    long NeverEnded,
    long Unexpected,
    IReadOnlyList<string> Samples,
    IReadOnlyList<string> KeysNotFree,
    IReadOnlyList<string> Errors,
    CriticalSectionRecorder Recorder)
{
    public override string ToString() =>
        $"""
        {Settings}
        finished: {Finished} in {Duration.TotalSeconds:F1} s; {Operations:N0} client calls ({Operations / Math.Max(Duration.TotalSeconds, 0.001):N0}/s)
        outcomes: {string.Join(", ", Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value:N0}"))}
        calls that did not end within their bound: {NeverEnded}; unexpected outcomes: {Unexpected}
        critical sections: {Recorder.Entries:N0} entered, {Recorder.ViolationCount} violations
        unexplained errors logged: {Errors.Count}; keys not free at the end: {KeysNotFree.Count}
        """ + string.Concat(Samples.Concat(Recorder.Violations).Concat(KeysNotFree).Concat(Errors).Take(30).Select(s => $"\n  {s}"));
}

/// <summary>What a client chaos run mixes in: request time-outs short enough to fire, cancellations.</summary>
/// <param name="ShortRequestTimeout">A client with this request timeout joins the default one; null for none.</param>
/// <param name="CancelPercent">The share of calls made with a token that is cancelled at a random moment.</param>
/// <param name="ExplicitOwners">Each caller uses a client of its own whose locks an actor of its own owns, instead of shared clients with an owner per handle.</param>
internal sealed record ClientChaosMix(TimeSpan? ShortRequestTimeout, int CancelPercent, bool ExplicitOwners);

/// <summary>
/// Random callers of <see cref="LockClient"/>: try-locks, waits and multi-key waits in every mode with
/// random cancellations, holding each handle through a short critical section and ending it by
/// release, disposal or give-away (to a live and to a dead actor), while the manager restarts.
/// Every call must end within a bound, and no grant may outlive the calls.
/// </summary>
internal sealed class ClientChaosRun
{
    private static readonly TimeSpan CallSlack = TimeSpan.FromSeconds(20);

    private readonly ChaosSettings _settings;
    private readonly ClientChaosMix _mix;
    private readonly ChaosKeys _keys;
    private readonly CriticalSectionRecorder _recorder = new();
    private readonly ReplyLedger _ledger;
    private readonly ConcurrentDictionary<string, long> _outcomes = new();
    private readonly ConcurrentQueue<string> _samples = new();
    private long _neverEnded;

    // Clients with an explicit owner one of whose calls ended unanswered (ManagerUnavailable): the
    // manager may still have done it, so that owner may hold or wait for a key it asks for again.
    private readonly ConcurrentDictionary<LockClient, byte> _unsettledOwners = new();
    private long _unexpected;
    private LockClient[] _clients = [];
    private IActorRef[] _heirs = [];
    private IActorRef _restarter = ActorRefs.Nobody;
    private IncarnationCounter _incarnations = new();

    private ClientChaosRun(ChaosSettings settings, ClientChaosMix mix)
    {
        _settings = settings;
        _mix = mix;
        _keys = new ChaosKeys(settings.LockKeys, settings.SemaphoreKeys);
        _ledger = new ReplyLedger(settings.Operations, settings.ManagerRestarts);
    }

    public static async Task<ClientChaosReport> RunAsync(ChaosSettings settings, ClientChaosMix mix)
    {
        var run = new ClientChaosRun(settings, mix);
        using var system = ActorSystem.Create("client-chaos", ActorChaosRun.SystemConfig);
        var errors = ErrorCollection.Start(system);
        run._restarter = system.ActorOf(RestartableManager.Props(run._incarnations), "managed");
        var manager = await run._restarter.Ask<IActorRef>(RestartableManager.GetManager.Instance, TimeSpan.FromSeconds(10));
        var dead = system.ActorOf(Props.Empty, "dead-heir");
        await dead.GracefulStop(TimeSpan.FromSeconds(10));
        run._heirs = [system.ActorOf(ClientHeir.Props(manager, run._recorder), "live-heir"), dead];
        run._clients = mix.ShortRequestTimeout is { } shortTimeout
            ? [ChaosProtocol.NewClient(manager, LockClientOptions.DefaultRequestTimeout), ChaosProtocol.NewClient(manager, shortTimeout)]
            : [ChaosProtocol.NewClient(manager, LockClientOptions.DefaultRequestTimeout)];
        LockClient[] ClientsOf(int worker) => mix.ExplicitOwners
            ? [ChaosProtocol.NewClient(manager, mix.ShortRequestTimeout ?? LockClientOptions.DefaultRequestTimeout,
                system.ActorOf(Props.Empty, $"owner-{worker}"))]
            : run._clients;

        var started = Stopwatch.StartNew();
        var seeds = new Random(settings.Seed);
        var workers = Task.WhenAll(Enumerable.Range(0, settings.Owners)
            .Select(worker => (Clients: ClientsOf(worker), Seed: seeds.Next()))
            .Select(w => Task.Run(() => run.WorkAsync(w.Clients, new Random(w.Seed)))));
        var finished = await Task.WhenAny(workers, Task.Delay(settings.Deadline)) == workers;
        var duration = started.Elapsed;
        var notFree = await ActorChaosRun.KeysNotFreeAsync(manager, run._keys.All, TimeSpan.FromSeconds(10));
        run._recorder.CheckEveryOverlapWasLost();
        await system.Terminate();
        return new ClientChaosReport(settings, duration, finished, run._ledger.Operations, run._outcomes, run._neverEnded,
            run._unexpected, run._samples.ToList(), notFree, errors.ToList(), run._recorder);
    }

    private async Task WorkAsync(LockClient[] clients, Random rng)
    {
        while (_ledger.BudgetLeft)
        {
            _ledger.Count(expectsReply: true, out var restartDue);
            if (restartDue)
            {
                _restarter.Tell(RestartableManager.RestartManager.Instance);
            }

            var client = clients[rng.Next(clients.Length)];
            if (rng.Next(10) == 0)
            {
                var key = _keys.AnyKey(rng);
                if (rng.Next(2) == 0)
                {
                    await Call(ChaosProtocol.InspectAsync(client, key), client.RequestTimeout + CallSlack, "inspect", default);
                }
                else
                {
                    await Call(ChaosProtocol.WhereIsAsync(client, key), client.RequestTimeout + CallSlack, "where-is", default);
                }

                continue;
            }

            await AcquireAndHoldAsync(client, rng);
        }
    }

    private async Task AcquireAndHoldAsync(LockClient client, Random rng)
    {
        using var cancellation = rng.Next(100) < _mix.CancelPercent ? new CancellationTokenSource() : null;
        var ct = cancellation?.Token ?? CancellationToken.None;
        var roll = rng.Next(100);
        IReadOnlyList<object> keys = roll < 80 ? [_keys.AnyKey(rng)] : _keys.SomeKeys(rng);
        var terms = ChaosKeys.Terms(rng, keys[0], holdsSomething: false);
        Task<LockHandle?> call = roll < 35 ? ChaosProtocol.TryLockAsync(client, keys[0], terms, ct)
            : roll < 80 ? Nullable(ChaosProtocol.AwaitAsync(client, keys[0], terms, ct))
            : Nullable(ChaosProtocol.AwaitAllAsync(client, keys, terms, ct));
        if (cancellation is not null)
        {
            // Cancel at a random moment: at once, soon, or after the wait might have been granted.
            cancellation.CancelAfter(rng.Next(4) == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(rng.Next(1, 30)));
        }

        var bound = (terms.Timeout is { } t && t > TimeSpan.Zero && roll >= 35 ? t : TimeSpan.Zero) + client.RequestTimeout + CallSlack;
        var (ended, handle) = await Call(call, bound, roll < 35 ? "try-lock" : roll < 80 ? "await" : "await-all", ct, by: client);
        if (!ended || handle is null)
        {
            return;
        }

        var section = new ClientSection(_recorder, handle, terms.Capacity);
        if (rng.Next(3) == 0)
        {
            await Call(ChaosProtocol.WhereIsAsync(client, keys[0]), client.RequestTimeout + CallSlack, "query held", default);
        }
        else
        {
            await Task.Yield();
        }

        var end = rng.Next(100);
        section.Leave(end < 15 ? LeaveReason.GiveAway : LeaveReason.Release);
        var ending = end < 15 ? ChaosProtocol.GiveAwayAsync(handle, _heirs[rng.Next(_heirs.Length)], terms.Capacity)
            : end < 60 ? ChaosProtocol.ReleaseAsync(handle)
            : ChaosProtocol.DisposeAsync(handle).AsTask();
        await Call(Nullable(ending), client.RequestTimeout + CallSlack, end < 15 ? "give-away" : end < 60 ? "release" : "dispose", default, section, client);

        // Disposal always ends a handle: after a release that timed out it is the retry.
        await Call(Nullable(ChaosProtocol.DisposeAsync(handle).AsTask()), client.RequestTimeout + CallSlack, "final dispose", default, section, client);
    }

    /// <summary>Awaits <paramref name="call"/> for at most <paramref name="bound"/> and classifies how it ended.</summary>
    /// <param name="by">The client that made the call, when its owner's later requests depend on how it ended.</param>
    private async Task<(bool Ended, T? Result)> Call<T>(Task<T> call, TimeSpan bound, string what, CancellationToken ct, ClientSection? section = null, LockClient? by = null)
    {
        if (await Task.WhenAny(call, Task.Delay(bound)) != call)
        {
            Interlocked.Increment(ref _neverEnded);
            Sample($"{what} did not end within {bound.TotalSeconds:F0} s");
            _ = call.ContinueWith(t => t.Exception, TaskScheduler.Default);
            return (false, default);
        }

        if (call.IsCompletedSuccessfully)
        {
            Outcome($"{what}: {(call.Result is null ? "none" : "ok")}");
            return (true, call.Result);
        }

        var error = call.Exception?.InnerException ?? new TaskCanceledException(call);
        var expected = error switch
        {
            OperationCanceledException => ct.IsCancellationRequested,
            LockTimeoutException => true, // a wait's own time-out
            LockRefusedException r => r.Cause is LockFailure.CapacityMismatch or LockFailure.ManagerRestarted or LockFailure.ManagerUnavailable
                || (r.Cause is LockFailure.AlreadyOwner && what == "give-away") // the live heir holds the key already
                || (r.Cause is LockFailure.SelfDeadlock && by is not null && _unsettledOwners.ContainsKey(by)),
            ReleaseException => section?.MayBeLost(_incarnations.Current) == true,
            _ => false,
        };
        if (_mix.ExplicitOwners && by is not null && error is LockRefusedException { Cause: LockFailure.ManagerUnavailable })
        {
            _unsettledOwners.TryAdd(by, 0);
        }

        Outcome($"{what}: {error.GetType().Name}");
        if (!expected)
        {
            Interlocked.Increment(ref _unexpected);
            Sample($"{what} failed unexpectedly: {error.GetType().Name}: {error.Message}");
        }

        return (true, default);
    }

    private static async Task<LockHandle?> Nullable(Task<LockHandle> task) => await task;

    private static async Task<object?> Nullable(Task task)
    {
        await task;
        return null;
    }

    private void Outcome(string what) => _outcomes.AddOrUpdate(what, 1, (_, n) => n + 1);

    private void Sample(string what)
    {
        if (_samples.Count < 20)
        {
            _samples.Enqueue(what);
        }
    }
}

using Akka.Actor;

namespace LockActors.Chaos;

/// <summary>
/// What every owner of one chaos run shares: the manager, the keys, the recorder and ledger, and
/// one slot per concurrent owner (its current actor, the last one that died in it, and the request
/// it waits on, for give-aways to live and dead heirs and for diagnostics).
/// </summary>
internal sealed class ChaosWorld(IActorRef manager, ChaosKeys keys, CriticalSectionRecorder recorder, ReplyLedger ledger, int slots)
{
    private readonly IActorRef?[] _live = new IActorRef?[slots];
    private readonly IActorRef?[] _dead = new IActorRef?[slots];
    private readonly object?[] _waitingOn = new object?[slots];

    public IActorRef Manager { get; } = manager;

    public ChaosKeys Keys { get; } = keys;

    public CriticalSectionRecorder Recorder { get; } = recorder;

    public ReplyLedger Ledger { get; } = ledger;

    public int Slots { get; } = slots;

    /// <summary>The manager's incarnations; set by the run before owners start.</summary>
    public IncarnationCounter Incarnations { get; set; } = new();

    /// <summary>Told to restart the manager; set by the run before owners start.</summary>
    public IActorRef RestartTarget { get; set; } = ActorRefs.Nobody;

    public void Occupy(int slot, IActorRef owner) => Volatile.Write(ref _live[slot], owner);

    public void Vacate(int slot, IActorRef owner)
    {
        Interlocked.CompareExchange(ref _live[slot], null, owner);
        Volatile.Write(ref _dead[slot], owner);
        Volatile.Write(ref _waitingOn[slot], null);
    }

    public void WaitingOn(int slot, object? request) => Volatile.Write(ref _waitingOn[slot], request);

    /// <summary>Some owner's actor, alive or (with <paramref name="dead"/>) stopped; null if the slot has none.</summary>
    public IActorRef? SomeOwner(Random rng, bool dead) =>
        Volatile.Read(ref (dead ? _dead : _live)[rng.Next(Slots)]);

    /// <summary>The requests owners still wait on, for a run that did not finish.</summary>
    public IEnumerable<string> Stuck() =>
        Enumerable.Range(0, Slots)
            .Select(i => (Owner: Volatile.Read(ref _live[i]), Request: Volatile.Read(ref _waitingOn[i])))
            .Where(s => s.Owner is not null)
            .Select(s => $"{s.Owner!.Path.Name} waits on {s.Request?.ToString() ?? "nothing"}");
}

using Akka.Actor;

namespace LockActors.Chaos;

/// <summary>
/// Keeps one owner alive in every slot of the world while the operation budget lasts, and completes
/// <c>done</c> once the budget is spent and every owner has stopped. Owners that throw or are
/// killed are stopped (not restarted), so the manager sees them die.
/// </summary>
internal sealed class OwnerSpawner : UntypedActor
{
    private readonly ChaosWorld _world;
    private readonly Random _rng;
    private readonly TaskCompletionSource _done;
    private readonly Dictionary<IActorRef, int> _slots = [];
    private long _spawned;

    public OwnerSpawner(ChaosWorld world, int seed, TaskCompletionSource done)
    {
        _world = world;
        _rng = new Random(seed);
        _done = done;
    }

    public long Spawned => _spawned;

    public static Props Props(ChaosWorld world, int seed, TaskCompletionSource done) =>
        Akka.Actor.Props.Create(() => new OwnerSpawner(world, seed, done));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(-1, -1, _ => Directive.Stop, loggingEnabled: false);

    protected override void PreStart()
    {
        for (var slot = 0; slot < _world.Slots; slot++)
        {
            Spawn(slot);
        }

        CompleteIfDone();
    }

    protected override void OnReceive(object message)
    {
        if (message is Terminated terminated && _slots.Remove(terminated.ActorRef, out var slot))
        {
            Spawn(slot);
            CompleteIfDone();
        }
    }

    private void Spawn(int slot)
    {
        if (!_world.Ledger.BudgetLeft)
        {
            return;
        }

        var budget = _rng.Next(20, 200);
        var owner = Context.ActorOf(ChaosOwner.Props(_world, slot, _rng.Next(), budget), $"owner-{++_spawned}");
        Context.Watch(owner);
        _slots[owner] = slot;
    }

    private void CompleteIfDone()
    {
        if (_slots.Count == 0)
        {
            _done.TrySetResult();
        }
    }
}

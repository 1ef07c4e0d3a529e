using Akka.Actor;

namespace LockActors.Chaos;

/// <summary>Counts the incarnations of a restartable manager; the current one is read by owners.</summary>
internal sealed class IncarnationCounter
{
    private int _current;

    public int Current => Volatile.Read(ref _current);

    public ManagerIncarnation Next() => new(Interlocked.Increment(ref _current));
}

/// <summary>
/// The parent of a lock manager that restarts it on every failure, <see cref="Kill"/> included.
/// Each incarnation gets fresh settings whose metadata names it, so every grant tells which
/// incarnation issued it. <see cref="RestartManager"/> kills the manager.
/// </summary>
internal sealed class RestartableManager : UntypedActor
{
    private readonly IActorRef _manager;

    public RestartableManager(IncarnationCounter incarnations)
    {
        _manager = Context.ActorOf(Akka.Actor.Props.CreateBy(new Producer(incarnations)), "locks");
    }

    /// <summary>Asks for the manager's reference (replied as an <see cref="IActorRef"/>).</summary>
    public sealed class GetManager
    {
        public static readonly GetManager Instance = new();
    }

    /// <summary>Kills the manager, so its supervisor restarts it.</summary>
    public sealed class RestartManager
    {
        public static readonly RestartManager Instance = new();
    }

    public static Props Props(IncarnationCounter incarnations) =>
        Akka.Actor.Props.Create(() => new RestartableManager(incarnations));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(-1, -1, _ => Directive.Restart, loggingEnabled: false);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case GetManager:
                Sender.Tell(_manager);
                break;
            case RestartManager:
                _manager.Tell(Kill.Instance);
                break;
        }
    }

    /// <summary>Makes each incarnation of the manager with settings naming that incarnation.</summary>
    private sealed class Producer(IncarnationCounter incarnations) : IIndirectActorProducer
    {
        public Type ActorType => typeof(LockManager);

        public ActorBase Produce() => new LockManager(ChaosProtocol.ManagerSettings(incarnations.Next()));

        public void Release(ActorBase actor)
        {
        }
    }
}

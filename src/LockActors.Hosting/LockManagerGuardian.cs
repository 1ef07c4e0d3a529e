using Akka.Actor;
using Akka.Event;

namespace LockActors.Hosting;

/// <summary>
/// The parent of a hosted <see cref="LockManager"/>: it exists to give the manager a supervisor
/// whose strategy the application chooses. It creates the manager in its constructor, so the
/// manager exists before the guardian handles its first message.
/// </summary>
/// <remarks>
/// Requests sent to the guardian itself (for instance through an actor selection of its path)
/// are forwarded to the manager with the sender preserved. When the supervisor strategy stops
/// the manager, the guardian stops too: there is no half-alive lock service to talk to.
/// </remarks>
internal sealed class LockManagerGuardian : UntypedActor
{
    /// <summary>The name of the manager below the guardian.</summary>
    internal const string ManagerName = "manager";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SupervisorStrategy _strategy;
    private readonly IActorRef _manager;

    public LockManagerGuardian(LockManagerSettings settings, SupervisorStrategy strategy)
    {
        _strategy = strategy;
        _manager = Context.ActorOf(LockManager.Props(settings), ManagerName);
        Context.Watch(_manager);
    }

    /// <summary>Props of a guardian whose manager runs with <paramref name="settings"/> under <paramref name="strategy"/>.</summary>
    public static Props Props(LockManagerSettings settings, SupervisorStrategy strategy) =>
        Akka.Actor.Props.Create(() => new LockManagerGuardian(settings, strategy));

    protected override SupervisorStrategy SupervisorStrategy() => _strategy;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case GetManager:
                Sender.Tell(_manager);
                break;
            case Terminated t when t.ActorRef.Equals(_manager):
                _log.Warning("LockManager {Manager} was stopped by its supervisor strategy; stopping its guardian {Guardian}",
                    _manager.Path, Self.Path);
                Context.Stop(Self);
                break;
            default:
                _manager.Forward(message);
                break;
        }
    }

    /// <summary>Asks the guardian for its manager's reference; the reply is an <see cref="IActorRef"/>.</summary>
    internal sealed class GetManager : INoSerializationVerificationNeeded
    {
        public static readonly GetManager Instance = new();

        private GetManager()
        {
        }
    }
}

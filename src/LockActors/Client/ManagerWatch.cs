using Akka.Actor;

namespace LockActors.Client;

/// <summary>
/// A system actor that watches a <see cref="LockClient"/>'s manager and tells the client when it
/// terminated, or when its node was lost, so that no call waits for an answer that will never come.
/// An actor rather than a bare reference: Akka tells an actor that watches a remote one when the
/// remote node goes away unannounced.
/// </summary>
/// <remarks>
/// It holds its client weakly: a client no longer used can be collected, leaving only this idle
/// actor, which stops with the manager.
/// </remarks>
internal sealed class ManagerWatch : UntypedActor
{
    private readonly WeakReference<LockClient> _client;
    private readonly IActorRef _manager;

    public ManagerWatch(WeakReference<LockClient> client, IActorRef manager)
    {
        _client = client;
        _manager = manager;
    }

    /// <summary>Starts watching <paramref name="manager"/> for <paramref name="client"/>, in the system of <paramref name="provider"/>.</summary>
    /// <returns>False when there is no local actor system to run the watch in (the client then relies on its time-outs).</returns>
    public static bool Start(LockClient client, IActorRef manager, IActorRefProvider provider)
    {
        if (provider.Guardian is not { Underlying.System: ExtendedActorSystem system } || system.WhenTerminated.IsCompleted)
        {
            return false;
        }

        var weak = new WeakReference<LockClient>(client);
        system.SystemActorOf(Props.Create(() => new ManagerWatch(weak, manager)));
        return true;
    }

    protected override void PreStart() => Context.Watch(_manager);

    protected override void OnReceive(object message)
    {
        if (message is not Terminated terminated || !terminated.ActorRef.Equals(_manager))
        {
            Unhandled(message);
            return;
        }

        if (_client.TryGetTarget(out var client))
        {
            client.OnManagerGone(terminated.AddressTerminated
                ? $"The lock manager {_manager.Path} is unreachable: its node was lost."
                : $"The lock manager {_manager.Path} terminated.");
        }

        Context.Stop(Self);
    }
}

using Akka.Actor;

namespace LockActors.Tests.Actor;

/// <summary>A parent that restarts its lock manager child on every failure and tells who the child is.</summary>
internal sealed class RestartingParent : ReceiveActor
{
    public RestartingParent()
    {
        var child = Context.ActorOf(LockManager.Props(), "locks");
        ReceiveAny(_ => Sender.Tell(child));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(_ => Directive.Restart);
}

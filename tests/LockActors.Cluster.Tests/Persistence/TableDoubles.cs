using Akka.Actor;
using LockActors.Table;
using LockActors.Table.Events;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>An actor reference that is only a name, for tables run without an ActorSystem. Equal when the paths are.</summary>
internal sealed class NamedRef(string name) : MinimalActorRef
{
    private static readonly Address TestAddress = new("akka", "replay-test");

    public override ActorPath Path { get; } = new RootActorPath(TestAddress) / name;

    public override IActorRefProvider Provider => throw new NotSupportedException("A table test reference has no provider.");

    public override string ToString() => name;
}

/// <summary>Effects that keep the messages sent and the grants handed out (to present them in releases and give-aways).</summary>
internal sealed class GrantCollector : ILockEffects
{
    public List<LockGrant> Grants { get; } = [];

    /// <summary>Every message sent, with its recipient.</summary>
    public List<(IActorRef? To, object Message)> Sent { get; } = [];

    public void Send(IActorRef? to, object message)
    {
        Sent.Add((to, message));
        switch (message)
        {
            case LockAcquired a:
                Grants.Add(a.Grant);
                break;
            case GaveAway g:
                Grants.Add(g.NewGrant);
                break;
        }
    }

    public void Forward(IActorRef to, object message, IActorRef? originalSender)
    {
    }

    public void Watch(IActorRef actor)
    {
    }

    public void Unwatch(IActorRef actor)
    {
    }

    public void WakeAt(long deadline)
    {
    }

    public void StartIdleSweep()
    {
    }
}

/// <summary>Keeps every event a table records, in order.</summary>
internal sealed class EventLog : ILockEventSink
{
    public List<LockTableEvent> Events { get; } = [];

    public void Record(LockTableEvent change) => Events.Add(change);
}

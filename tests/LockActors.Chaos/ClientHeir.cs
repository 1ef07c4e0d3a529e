using Akka.Actor;

namespace LockActors.Chaos;

/// <summary>
/// A live heir for <see cref="LockClient"/> give-aways: it enters the critical sections of what it
/// receives, leaves them and releases the lock at once. It notes every <see cref="LockLost"/> it is told.
/// </summary>
internal sealed class ClientHeir(IActorRef manager, CriticalSectionRecorder recorder) : UntypedActor
{
    public static Props Props(IActorRef manager, CriticalSectionRecorder recorder) =>
        Akka.Actor.Props.Create(() => new ClientHeir(manager, recorder));

    protected override void OnReceive(object message)
    {
        if (message is LockLost lost)
        {
            recorder.Lost(ChaosProtocol.IncarnationOf(lost.Grant), lost.Grant.FencingToken);
            return;
        }

        if (message is not LockTransferred transferred)
        {
            return;
        }

        var grant = transferred.Grant;
        var holdings = grant.Keys.Select(key => recorder.Enter(Self, key, ChaosProtocol.IncarnationOf(grant), grant.FencingToken,
            ChaosProtocol.ModeOf(grant), ChaosProtocol.PermitsOf(grant), ChaosProtocol.GiftedCapacity(transferred))).ToList();
        foreach (var holding in holdings)
        {
            recorder.Leave(holding, LeaveReason.Release);
        }

        manager.Tell(ChaosProtocol.Release(grant), Self);
    }
}

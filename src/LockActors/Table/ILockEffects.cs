using Akka.Actor;

namespace LockActors.Table;

/// <summary>
/// What the <see cref="LockTable"/> asks the outside world to do. The table itself never talks
/// to actors: the <see cref="LockManager"/> performs these effects, and tests record them.
/// </summary>
internal interface ILockEffects
{
    /// <summary>Send <paramref name="message"/> to <paramref name="to"/>; null or NoSender means nobody asked for a reply.</summary>
    void Send(IActorRef? to, object message);

    /// <summary>Deliver <paramref name="message"/> to <paramref name="to"/> as if <paramref name="originalSender"/> had sent it.</summary>
    void Forward(IActorRef to, object message, IActorRef? originalSender);

    /// <summary>Start watching <paramref name="actor"/>: it now holds or waits for something.</summary>
    void Watch(IActorRef actor);

    /// <summary>Stop watching <paramref name="actor"/>: it holds and waits for nothing any more.</summary>
    void Unwatch(IActorRef actor);

    /// <summary>
    /// Call <see cref="LockTable.ExpireDue"/> at (or soon after) <paramref name="deadline"/>, in the
    /// table's clock. Each call replaces the previous request.
    /// </summary>
    void WakeAt(long deadline);

    /// <summary>
    /// Call <see cref="LockTable.SweepIdleOwners"/> every <see cref="LockManagerSettings.IdleOwnerWatchTime"/>
    /// until it returns false: an owner that holds nothing is kept watched for now.
    /// </summary>
    void StartIdleSweep();

    /// <summary>
    /// Report a fault of the caller's that the table handled anyway (a key whose hash code changed
    /// or started throwing while it was locked); <paramref name="message"/> names the key. Ignored
    /// unless implemented.
    /// </summary>
    void ReportError(string message)
    {
    }
}

using Akka.Actor;

namespace LockActors.Pool;

/// <summary>
/// A long-running import, written as an actor that speaks the lock protocol directly: when it
/// starts it asks for one permit of the pool's key and then keeps it, working, until it stops.
/// The manager watches it, so if it stops or crashes its permit goes back to the pool.
/// </summary>
public sealed class Importer : ReceiveActor
{
    private readonly IActorRef _locks;
    private readonly int _capacity;

    /// <param name="locks">The lock manager.</param>
    /// <param name="capacity">The pool's size: every user of the key names the same capacity.</param>
    /// <param name="holding">Completed with the grant once the permit is held.</param>
    public Importer(IActorRef locks, int capacity, TaskCompletionSource<LockGrant> holding)
    {
        _locks = locks;
        _capacity = capacity;
        Receive<LockAcquired>(m => holding.TrySetResult(m.Grant));
        Receive<LockTimedOut>(m => holding.TrySetException(new LockTimeoutException(m.Keys)));
        Receive<LockRefused>(m => holding.TrySetException(new InvalidOperationException(m.Message)));
    }

    // The sender (Self) owns the permit: no Owner needed on the request.
    protected override void PreStart() =>
        _locks.Tell(new Await(ConnectionPool.Key, Timeout.InfiniteTimeSpan) { Options = new LockOptions { Capacity = _capacity } });
}

using Akka.Actor;

namespace LockActors.Client;

/// <summary>
/// A lightweight reference on a temporary path (as an <c>Ask</c> uses) that is registered with the
/// actor system's provider, so messages and system messages sent to it from another node (after
/// its path went over the wire) find it, and so does a local message that went through
/// serialization.
/// </summary>
internal abstract class TempActorRef : MinimalActorRef
{
    private readonly int _hashCode;
    private int _unregistered;

    /// <summary>Takes a fresh temporary path of <paramref name="provider"/> and registers this reference at it.</summary>
    protected TempActorRef(IActorRefProvider provider)
    {
        Provider = provider;
        Path = provider.TempPath();
        _hashCode = base.GetHashCode();
        provider.RegisterTempActor(this, Path);
    }

    /// <inheritdoc />
    public override IActorRefProvider Provider { get; }

    /// <inheritdoc />
    public override ActorPath Path { get; }

    /// <summary>
    /// The hash Akka gives any reference (from the path and uid), computed once: the manager and
    /// its DeathWatch look an owner up several times per lock, and the base hashes the whole
    /// path (address and element strings) every time.
    /// </summary>
    /// <returns>The same value as <see cref="ActorRefBase.GetHashCode"/>, so equal references still hash alike.</returns>
    public override int GetHashCode() => _hashCode;

    /// <summary>Removes the registration (once): messages to this path go to dead letters from now on.</summary>
    protected void UnregisterTemp()
    {
        if (Interlocked.Exchange(ref _unregistered, 1) == 0)
        {
            Provider.UnregisterTempActor(Path);
        }
    }
}

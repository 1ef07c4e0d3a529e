using Akka.Actor;

namespace LockActors.Cluster.Hosting;

/// <summary>The props of the actor the cluster singleton runs, chosen by <see cref="ClusterLockManagerOptions"/>.</summary>
internal static class ClusterManagerProps
{
    /// <summary>
    /// The singleton's props on <paramref name="system"/>: the plain manager; every lock is lost
    /// when it moves, and owners and waiters are told on a graceful hand-over.
    /// </summary>
    public static Props Of(ActorSystem system, string name, ClusterLockManagerOptions options)
    {
        var settings = options.Settings ?? LockManagerSettings.Create(system);
        return LockManager.Props(settings);
    }
}

using Akka.Actor;
using LockActors.Cluster.Persistence;

namespace LockActors.Cluster.Hosting;

/// <summary>The actor the cluster singleton runs, chosen by <see cref="ClusterLockManagerOptions"/>.</summary>
internal static class ClusterManagerProps
{
    /// <summary>
    /// The singleton's props on <paramref name="system"/>: the persistent manager under its
    /// back-off supervisor, or the plain manager.
    /// </summary>
    public static Props Of(ActorSystem system, string name, ClusterLockManagerOptions options)
    {
        var settings = options.Settings ?? LockManagerSettings.Create(system);
        return options.Persistent
            ? PersistentLockManager.SupervisedProps(settings, options.PersistenceFor(name))
            : LockManager.Props(settings);
    }

    /// <summary>
    /// What the singleton is told when it must move: the persistent manager finishes its writes and
    /// saves a snapshot before it stops; the plain one stops at once, telling every owner and waiter.
    /// </summary>
    public static object TerminationMessage(ClusterLockManagerOptions options) =>
        options.Persistent ? PersistentLockManager.HandOver.Instance : PoisonPill.Instance;
}

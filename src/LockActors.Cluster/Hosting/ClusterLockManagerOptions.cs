using LockActors.Cluster.Persistence;

namespace LockActors.Cluster.Hosting;

/// <summary>
/// How <see cref="ClusterLockManagerHostingExtensions.WithClusterLockManager(Akka.Hosting.AkkaConfigurationBuilder, string, ClusterLockManagerOptions?)"/>
/// runs the cluster's one lock manager: immutable, each value checked when it is set (also in a
/// <c>with</c> expression), changed by copy.
/// </summary>
/// <example>
/// <code>
/// var options = ClusterLockManagerOptions.Default with { Role = "locks", SnapshotEvery = 500 };
/// services.AddAkka("app", akka =&gt; akka.WithClustering().WithClusterLockManager("locks", options));
/// </code>
/// </example>
public sealed record ClusterLockManagerOptions
{
    /// <summary>The default of <see cref="SnapshotEvery"/>.</summary>
    public const int DefaultSnapshotEvery = PersistenceOptions.DefaultSnapshotEvery;

    /// <summary>Every option at its default: a persistent manager on any member, default journal and snapshot store.</summary>
    public static ClusterLockManagerOptions Default { get; } = new();

    /// <summary>
    /// The cluster role whose members may run the manager; null (the default) for every member.
    /// The proxy only looks for the manager on members of this role, so every node must be
    /// registered with the same role (<c>WithClusterLockManagerProxy(name, role)</c> on the others).
    /// Must not be empty or blank.
    /// </summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? Role
    {
        get;
        init => field = value is null || !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ArgumentException($"{nameof(Role)} must be null (every member) or a role name, got \"{value}\".", nameof(Role));
    }

    /// <summary>
    /// True (the default) to event-source the lock table through Akka.Persistence, so that holders
    /// keep their grants and fencing tokens and waiters their places when the manager moves to
    /// another node. False runs the plain <see cref="LockManager"/> as the singleton: every lock
    /// is lost when it moves; on a graceful hand-over each owner is sent <see cref="LockLost"/>
    /// and each waiter <see cref="LockRefused"/> (<see cref="RefusalReason.ManagerRestarted"/>).
    /// </summary>
    public bool Persistent { get; init; } = true;

    /// <summary>
    /// The persistence id of the manager's events; null (the default) for <c>lockactors-{name}</c>.
    /// Two managers with one persistence id on one journal fence each other: only one can write.
    /// Must not be empty or blank.
    /// </summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? PersistenceId
    {
        get;
        init => field = NullOrText(value, nameof(PersistenceId));
    }

    /// <summary>
    /// The configuration path of the journal plugin (for instance <c>akka.persistence.journal.sql</c>);
    /// null (the default) for <c>akka.persistence.journal.plugin</c>. Every node that may run the
    /// manager must reach the same journal. Must not be empty or blank.
    /// </summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? JournalPluginId
    {
        get;
        init => field = NullOrText(value, nameof(JournalPluginId));
    }

    /// <summary>
    /// The configuration path of the snapshot store plugin (for instance
    /// <c>akka.persistence.snapshot-store.sql</c>); null (the default) for
    /// <c>akka.persistence.snapshot-store.plugin</c>. Must not be empty or blank.
    /// </summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? SnapshotPluginId
    {
        get;
        init => field = NullOrText(value, nameof(SnapshotPluginId));
    }

    /// <summary>
    /// How many events the manager writes between two snapshots of its table (a snapshot is also
    /// taken at a hand-over). Default 10,000; must be at least 1. Fewer events between snapshots
    /// mean a faster recovery and more snapshot writes; journal writes wait while a snapshot is
    /// saved and the events and snapshots before it are deleted, and a snapshot's size grows with
    /// the keys in use.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int SnapshotEvery
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(SnapshotEvery), value, $"{nameof(SnapshotEvery)} must be at least 1, got {value}.");
    } = DefaultSnapshotEvery;

    /// <summary>
    /// The manager's settings; null (the default) to read them, on the node that runs the manager,
    /// from the <c>lockactors.manager</c> section of its actor system's HOCON.
    /// </summary>
    public LockManagerSettings? Settings { get; init; }

    /// <summary>
    /// How often a proxy that has not found the manager (at start, after a failover) asks the
    /// members for it again; null (the default) for the actor system's
    /// <c>akka.cluster.singleton-proxy.singleton-identification-interval</c> (1 second unless set).
    /// Must be positive.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public TimeSpan? ProxyIdentificationInterval
    {
        get;
        init => field = value is null || value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ProxyIdentificationInterval), value,
                $"{nameof(ProxyIdentificationInterval)} must be positive, got {value}.");
    }

    /// <summary>The persistence options of a manager registered under <paramref name="name"/>.</summary>
    internal PersistenceOptions PersistenceFor(string name) =>
        new(PersistenceId ?? $"lockactors-{name}", JournalPluginId, SnapshotPluginId, SnapshotEvery);

    private static string? NullOrText(string? value, string name) =>
        value is null || !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ArgumentException($"{name} must be null (the default) or a non-blank value, got \"{value}\".", name);
}

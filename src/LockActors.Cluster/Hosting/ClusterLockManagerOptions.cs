namespace LockActors.Cluster.Hosting;

/// <summary>
/// How <see cref="ClusterLockManagerHostingExtensions.WithClusterLockManager(Akka.Hosting.AkkaConfigurationBuilder, string, ClusterLockManagerOptions?)"/>
/// runs the cluster's one lock manager: immutable, each value checked when it is set (also in a
/// <c>with</c> expression), changed by copy.
/// </summary>
/// <example>
/// <code>
/// var options = ClusterLockManagerOptions.Default with { Role = "locks" };
/// services.AddAkka("app", akka =&gt; akka.WithClustering().WithClusterLockManager("locks", options));
/// </code>
/// </example>
public sealed record ClusterLockManagerOptions
{
    /// <summary>Every option at its default: the manager on any member, settings from HOCON.</summary>
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
    /// The manager's settings; null (the default) to read them, on the node that runs the manager,
    /// from the <c>lockactors.manager</c> section of its actor system's HOCON.
    /// </summary>
    public LockManagerSettings? Settings { get; init; }

    /// <summary>
    /// How often a proxy that has not found the manager (at start, after a failover) asks the
    /// members for it again. Default 1 second; must be positive.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public TimeSpan ProxyIdentificationInterval
    {
        get;
        init => field = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ProxyIdentificationInterval), value,
                $"{nameof(ProxyIdentificationInterval)} must be positive, got {value}.");
    } = TimeSpan.FromSeconds(1);

}

using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using LockActors.Hosting;

namespace LockActors.Cluster.Hosting;

/// <summary>
/// Runs one <see cref="LockManager"/> for a whole Akka.NET cluster, as a cluster singleton
/// (Akka.Cluster.Hosting), and registers a proxy to it on every node under the key type
/// <see cref="LockManager"/>: <c>AddLockClient()</c>, <see cref="IRequiredActor{TKey}"/> and the
/// Tell protocol work as with a local manager, from any node.
/// </summary>
/// <remarks>
/// <para>The manager runs on the oldest member (of the role, when one is given) and moves to the
/// next oldest when that member leaves or is downed. The registered reference is a
/// <c>ClusterSingletonProxy</c>: it forwards every message, with its sender, to wherever the
/// manager runs, and buffers them while the manager moves. Replies come straight from the manager.
/// While the manager's node is unreachable and not yet downed, the proxy still forwards to it and
/// requests are lost: the client's <c>RequestTimeout</c> backstop ends such calls.</para>
/// <para>Persistent (the default, <see cref="ClusterLockManagerOptions.Persistent"/>): the table is
/// event-sourced to the journal, and a manager that starts on another node recovers every holder
/// (grant and fencing token unchanged, no <see cref="LockLost"/>) and every waiter in its place,
/// with the time it had left. Every node that may run the manager must reach the same journal.</para>
/// <para>Without persistence (<see cref="ClusterLockManagerOptions.Persistent"/> false) every lock
/// is lost when the manager moves. On a graceful hand-over each owner is sent
/// <see cref="LockLost"/> and each waiter <see cref="LockRefused"/>
/// (<see cref="RefusalReason.ManagerRestarted"/>); after a crash nobody is left to tell them, and
/// a holder learns it when its release is refused.</para>
/// <para>Owners on a node that crashes are released when the cluster removes that node: failure
/// detection, then the split brain resolver's <c>stable-after</c>, then removal. A node that leaves
/// gracefully is removed, and its owners released, within seconds.</para>
/// </remarks>
/// <example>
/// <code>
/// services.AddAkka("app", akka =&gt; akka
///     .WithRemoting("0.0.0.0", 4053)
///     .WithClustering(new ClusterOptions { Roles = ["locks"], SeedNodes = ["akka.tcp://app@10.0.0.1:4053"] })
///     .WithSqlPersistence(connectionString, ProviderName.SQLiteMicrosoft)
///     .WithClusterLockManager("locks", ClusterLockManagerOptions.Default with { Role = "locks" }));
/// services.AddLockClient();   // its calls go through the proxy, from any node
/// </code>
/// </example>
public static class ClusterLockManagerHostingExtensions
{
    /// <summary>
    /// Makes this node a candidate to run the cluster's lock manager <paramref name="name"/>, and
    /// registers a proxy to it under the key type <see cref="LockManager"/>.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder of a node with the cluster provider (<c>WithClustering</c>).</param>
    /// <param name="name">The manager's name, the same on every node (the singleton manager's path is <c>/user/{name}</c>, the proxy's <c>/user/{name}-proxy</c>); must be a valid, non-empty actor name.</param>
    /// <param name="options">The role, persistence and settings; null for <see cref="ClusterLockManagerOptions.Default"/>.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name.</exception>
    /// <remarks>Call it on every member of <see cref="ClusterLockManagerOptions.Role"/> and
    /// <see cref="WithClusterLockManagerProxy(AkkaConfigurationBuilder, string, string?)"/> on the
    /// other nodes: the actor system fails to start when this node lacks the role.</remarks>
    public static AkkaConfigurationBuilder WithClusterLockManager(
        this AkkaConfigurationBuilder builder,
        string name,
        ClusterLockManagerOptions? options = null) =>
        builder.WithClusterLockManager<LockManager>(name, options);

    /// <summary>
    /// Makes this node a candidate to run the cluster's lock manager <paramref name="name"/>, and
    /// registers a proxy to it under the key type <typeparamref name="TKey"/>, so that a cluster
    /// can run several managers, each under its own key.
    /// </summary>
    /// <typeparam name="TKey">The key of the manager's proxy in the <see cref="ActorRegistry"/>.</typeparam>
    /// <param name="builder">The Akka.Hosting builder of a node with the cluster provider (<c>WithClustering</c>).</param>
    /// <param name="name">The manager's name, the same on every node; must be a valid, non-empty actor name.</param>
    /// <param name="options">The role, persistence and settings; null for <see cref="ClusterLockManagerOptions.Default"/>.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithClusterLockManager<TKey>(
        this AkkaConfigurationBuilder builder,
        string name,
        ClusterLockManagerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // The proxy is named "{name}-proxy", so a name valid alone stays valid with it.
        LockManagerName.Check(name);
        var chosen = options ?? ClusterLockManagerOptions.Default;

        // The reference defaults go below anything the application sets, as for a local manager.
        builder.AddHocon(LockManagerSettings.DefaultConfig(), HoconAddMode.Append);

        // Requests, replies and the journal's events travel in the wire format: compact, and a
        // key keeps its type through the journal (JSON would read an int key back as a long).
        builder.WithLockActorsSerialization();
        var singleton = SingletonOptions(chosen.Role, chosen.ProxyIdentificationInterval, ClusterManagerProps.TerminationMessage(chosen));
        return builder.WithSingleton<TKey>(name, (system, _, _) => ClusterManagerProps.Of(system, name, chosen), singleton, createProxyToo: true);
    }

    /// <summary>
    /// Registers, under the key type <see cref="LockManager"/>, a proxy to the cluster's lock
    /// manager <paramref name="name"/> run by other nodes: for nodes that never run the manager.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder of a node with the cluster provider.</param>
    /// <param name="name">The manager's name, as given to <c>WithClusterLockManager</c> on the nodes that run it.</param>
    /// <param name="role">The role given in <see cref="ClusterLockManagerOptions.Role"/> on those nodes; null when none was.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name, or <paramref name="role"/> is empty or blank.</exception>
    public static AkkaConfigurationBuilder WithClusterLockManagerProxy(
        this AkkaConfigurationBuilder builder,
        string name,
        string? role = null) =>
        builder.WithClusterLockManagerProxy<LockManager>(name, role);

    /// <summary>
    /// Registers, under the key type <typeparamref name="TKey"/>, a proxy to the cluster's lock
    /// manager <paramref name="name"/> run by other nodes.
    /// </summary>
    /// <typeparam name="TKey">The key of the proxy in the <see cref="ActorRegistry"/>.</typeparam>
    /// <param name="builder">The Akka.Hosting builder of a node with the cluster provider.</param>
    /// <param name="name">The manager's name, as given to <c>WithClusterLockManager</c> on the nodes that run it.</param>
    /// <param name="role">The role given in <see cref="ClusterLockManagerOptions.Role"/> on those nodes; null when none was.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a valid actor name, or <paramref name="role"/> is empty or blank.</exception>
    public static AkkaConfigurationBuilder WithClusterLockManagerProxy<TKey>(
        this AkkaConfigurationBuilder builder,
        string name,
        string? role = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        LockManagerName.Check(name);
        var checkedRole = ClusterLockManagerOptions.Default with { Role = role };

        // The proxy's node reads and writes the same wire format as the manager's.
        builder.WithLockActorsSerialization();
        return builder.WithSingletonProxy<TKey>(name, name,
            SingletonOptions(checkedRole.Role, identificationInterval: null));
    }

    private static ClusterSingletonOptions SingletonOptions(string? role, TimeSpan? identificationInterval, object? terminationMessage = null) => new()
    {
        Role = role,
        SingletonIdentificationInterval = identificationInterval,
        TerminationMessage = terminationMessage,
    };
}

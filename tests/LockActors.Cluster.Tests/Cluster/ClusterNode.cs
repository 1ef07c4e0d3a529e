using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote;
using Akka.Remote.Transport;
using LockActors.Cluster.Hosting;
using LockActors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AkkaCluster = Akka.Cluster.Cluster;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// One cluster node of the specs: a generic host with an actor system that runs the cluster lock
/// manager (or only its proxy) and an <see cref="ILockClient"/> registered with <c>AddLockClient()</c>.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>The name of the manager on every node.</summary>
    public const string ManagerName = "locks";

    private readonly IHost _host;

    private ClusterNode(string label, IHost host)
    {
        Label = label;
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Locks = host.Services.GetRequiredService<ILockClient>();
    }

    /// <summary>A name for messages ("A", "B", …).</summary>
    public string Label { get; }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The node's lock client, as the application gets it from dependency injection.</summary>
    public ILockClient Locks { get; }

    /// <summary>The node's cluster extension.</summary>
    public AkkaCluster Cluster => AkkaCluster.Get(System);

    /// <summary>The node's address in the cluster.</summary>
    public Address Address => Cluster.SelfAddress;

    /// <summary>The reference registered under <see cref="LockManager"/> on this node.</summary>
    public Task<IActorRef> ManagerAsync() =>
        _host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();

    /// <summary>Starts a node that runs the manager with <paramref name="options"/> (joined to nobody yet).</summary>
    public static Task<ClusterNode> StartAsync(string label, string journalFile, ClusterLockManagerOptions options) =>
        StartAsync(label, journalFile, akka => akka.WithClusterLockManager(ManagerName, options));

    /// <summary>Starts a node that only has a proxy to the manager (joined to nobody yet).</summary>
    public static Task<ClusterNode> StartProxyOnlyAsync(string label, string journalFile) =>
        StartAsync(label, journalFile, akka => akka.WithClusterLockManagerProxy(ManagerName));

    private static async Task<ClusterNode> StartAsync(string label, string journalFile, Action<AkkaConfigurationBuilder> locks)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddAkka(TestProfile.SystemName, akka =>
                {
                    akka.AddHocon(TestProfile.NodeConfig(journalFile), HoconAddMode.Prepend);
                    locks(akka);
                });
                services.AddLockClient(new LockClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) });
            })
            .Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new ClusterNode(label, host);
    }

    /// <summary>
    /// The status of <paramref name="key"/> from the manager, asked again while a failover is under
    /// way: until the old manager's node is removed, the proxy still sends to it and the request
    /// goes unanswered, so the client gives up after its request timeout.
    /// </summary>
    public async Task<KeyStatus> InspectThroughFailoverAsync(string key)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await Locks.InspectAsync(key);
            }
            catch (LockRefusedException e) when (e.Cause == LockFailure.ManagerUnavailable && clock.Elapsed < TestProfile.Patience * 2)
            {
            }
        }
    }

    /// <summary>Joins the cluster of <paramref name="seed"/> (itself to found one) and waits until this node is up.</summary>
    public async Task JoinAsync(ClusterNode seed)
    {
        using var cts = new CancellationTokenSource(TestProfile.Patience);
        await Cluster.JoinAsync(seed.Address, cts.Token);
    }

    /// <summary>
    /// Crashes the node: cut off from <paramref name="others"/> first, so that nothing its actors
    /// say while they stop (a manager's goodbyes, say) reaches them, then its actor system stops
    /// without leaving the cluster or handing anything over.
    /// </summary>
    public async Task CrashAsync(params ClusterNode[] others)
    {
        await BlackholeAsync(others);
        await System.Terminate().WaitAsync(TestProfile.Patience);
    }

    /// <summary>Cuts the network between this node and <paramref name="others"/>, in both directions, on both sides.</summary>
    public async Task BlackholeAsync(params ClusterNode[] others)
    {
        foreach (var other in others)
        {
            await Throttle(this, other);
            await Throttle(other, this);
        }

        static async Task Throttle(ClusterNode from, ClusterNode to)
        {
            var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)from.System).Provider).Transport;
            var done = await transport.ManagementCommand(new SetThrottle(to.Address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance));
            if (!done)
            {
                throw new InvalidOperationException($"The transport of {from.Label} refused to cut {to.Label} off");
            }
        }
    }

    /// <summary>Leaves the cluster gracefully and stops, as a host does on shutdown.</summary>
    public async Task LeaveAsync()
    {
        using var cts = new CancellationTokenSource(TestProfile.Patience);
        await Cluster.LeaveAsync(cts.Token);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TestProfile.Patience);
            await _host.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // A node cut off the network cannot leave; its system is terminated below.
        }

        await System.Terminate().WaitAsync(TestProfile.Patience);
        _host.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Label} ({Address})";
}

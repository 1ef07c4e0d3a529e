using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Persistence.Sql;
using Akka.Remote;
using Akka.Remote.Transport;
using LockActors.Cluster.Hosting;
using LockActors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AkkaCluster = Akka.Cluster.Cluster;

namespace LockActors.ClusterSample;

/// <summary>
/// One node of the sample's cluster: a host whose actor system joins the cluster on 127.0.0.1,
/// may run the cluster's lock manager (<c>WithClusterLockManager</c>) and has an
/// <see cref="ILockClient"/> that reaches it through the proxy.
/// </summary>
public sealed class SampleNode : IAsyncDisposable
{
    /// <summary>The name of the cluster's lock manager.</summary>
    public const string ManagerName = "locks";

    private readonly IHost _host;

    private SampleNode(string name, IHost host)
    {
        Name = name;
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Locks = host.Services.GetRequiredService<ILockClient>();
    }

    /// <summary>The node's name in the sample's output.</summary>
    public string Name { get; }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The node's lock client.</summary>
    public ILockClient Locks { get; }

    /// <summary>The node's address in the cluster.</summary>
    public Address Address => AkkaCluster.Get(System).SelfAddress;

    /// <summary>Starts a node and joins it to <paramref name="seed"/>'s cluster (null: it founds the cluster).</summary>
    public static async Task<SampleNode> StartAsync(string name, string journalFile, SampleNode? seed)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddAkka("lock-cluster", akka => akka
                    .AddHocon(Profile(journalFile), HoconAddMode.Prepend)
                    // The cluster's one lock manager: this node may run it, and reaches it through a proxy.
                    .WithClusterLockManager(ManagerName));
                services.AddLockClient(new LockClientOptions { RequestTimeout = TimeSpan.FromSeconds(3) });
            })
            .Build();
        await host.StartAsync();
        var node = new SampleNode(name, host);
        using var joining = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await AkkaCluster.Get(node.System).JoinAsync((seed ?? node).Address, joining.Token);
        return node;
    }

    /// <summary>
    /// Crashes the node as a power cut would: the network to <paramref name="others"/> goes first
    /// (through the throttler transport adapter), so nothing the stopping actors say reaches them,
    /// then the actor system stops without leaving the cluster.
    /// </summary>
    public async Task CrashAsync(IEnumerable<SampleNode> others)
    {
        var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)System).Provider).Transport;
        foreach (var other in others.Where(o => o != this && !o.System.WhenTerminated.IsCompleted))
        {
            await transport.ManagementCommand(new SetThrottle(other.Address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance));
        }

        await System.Terminate();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted)
        {
            await _host.StopAsync();
        }

        _host.Dispose();
    }

    /// <summary>
    /// The node's HOCON: 127.0.0.1 on a free port with the throttler adapter (to cut a node off), the test profile (a lost node is removed in
    /// seconds: see the README's production settings for real networks), and the SQLite journal
    /// and snapshot store every node shares. Terminating the system is a crash here: it does not
    /// leave the cluster first.
    /// </summary>
    private static Config Profile(string journalFile) => ConfigurationFactory.ParseString($$"""
        akka {
          # The crashes make remoting log every broken connection; the sample prints its own story.
          loglevel = OFF
          stdout-loglevel = OFF
          suppress-json-serializer-warning = on
          actor.provider = cluster
          remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, applied-adapters = [trttl] }
          cluster {
            failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 2s }
            gossip-interval = 500ms
            leader-actions-interval = 500ms
            split-brain-resolver { active-strategy = keep-majority, stable-after = 2s }
            singleton-proxy.singleton-identification-interval = 200ms
          }
          coordinated-shutdown.run-by-actor-system-terminate = off
          persistence {
            journal {
              plugin = "akka.persistence.journal.sql"
              sql {
                connection-string = "Data Source={{journalFile}}", provider-name = "SQLite.MS", auto-initialize = true
                use-clone-connection = false
              }
            }
            snapshot-store {
              plugin = "akka.persistence.snapshot-store.sql"
              sql {
                connection-string = "Data Source={{journalFile}}", provider-name = "SQLite.MS", auto-initialize = true
                use-clone-connection = false
              }
            }
          }
        }
        """).WithFallback(SqlPersistence.DefaultConfiguration);
}

using Akka.Configuration;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// The cluster settings of the multi-node specs: a fast failure detector and split brain resolver,
/// so that a lost node is removed in seconds, gossip and leader actions twice a second, so that a
/// node that leaves is removed in about a second, and the throttler transport adapter, so that a spec
/// can cut a node off the network.
/// </summary>
internal static class TestProfile
{
    /// <summary>The failure detector's heartbeat interval.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(500);

    /// <summary>The failure detector's acceptable heartbeat pause.</summary>
    public static readonly TimeSpan AcceptablePause = TimeSpan.FromSeconds(2);

    /// <summary>The split brain resolver's <c>stable-after</c>.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(2);

    /// <summary>How long the failure detector takes to call a silent node unreachable: the pause and two heartbeats.</summary>
    public static readonly TimeSpan FailureDetection = AcceptablePause + Heartbeat + Heartbeat;

    /// <summary>How long to wait for something that must happen (generous: the build machine is shared).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The name every node's actor system shares (a cluster is made of systems of one name).</summary>
    public const string SystemName = "lock-cluster";

    /// <summary>
    /// The HOCON of one node. <c>run-by-actor-system-terminate = off</c> makes terminating a
    /// system a crash (no leave, no hand-over); a graceful exit runs the coordinated shutdown.
    /// </summary>
    public static Config NodeConfig(string journalFile) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = WARNING
          suppress-json-serializer-warning = on
          actor.provider = cluster
          remote.dot-netty.tcp {
            hostname = "127.0.0.1"
            port = 0
            applied-adapters = [trttl]
          }
          cluster {
            failure-detector {
              heartbeat-interval = {{Heartbeat.TotalMilliseconds}}ms
              acceptable-heartbeat-pause = {{AcceptablePause.TotalMilliseconds}}ms
            }
            gossip-interval = 500ms
            leader-actions-interval = 500ms
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver {
              active-strategy = keep-majority
              stable-after = {{StableAfter.TotalMilliseconds}}ms
            }
          }
          coordinated-shutdown.run-by-actor-system-terminate = off
        }
        """).WithFallback(JournalFile.ConfigFor(journalFile));
}

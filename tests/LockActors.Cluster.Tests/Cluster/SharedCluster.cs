using LockActors.Cluster.Hosting;
using Xunit;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// Two nodes that stay up for the whole collection: A, the oldest, runs the manager, B is a
/// second candidate. A spec that loses a node adds a fresh third one with
/// <see cref="AddNodeAsync"/>, so the cluster has three members (a majority survives any one).
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    private readonly JournalFile _journal = new();
    private int _added;

    internal ClusterNode A { get; private set; } = null!;

    internal ClusterNode B { get; private set; } = null!;

    /// <summary>The options every node of this cluster runs the manager with: persistent, on the journal of <see cref="TestProfile.NodeConfig"/>.</summary>
    internal static ClusterLockManagerOptions Options { get; } = ClusterLockManagerOptions.Default with
    {
        ProxyIdentificationInterval = TimeSpan.FromMilliseconds(200),
    };

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        A = await ClusterNode.StartAsync("A", _journal.Path, Options);
        await A.JoinAsync(A);
        B = await ClusterNode.StartAsync("B", _journal.Path, Options);
        await B.JoinAsync(A);
    }

    /// <summary>Starts a third node, a candidate to run the manager, and waits until it is up.</summary>
    internal Task<ClusterNode> AddNodeAsync() =>
        JoinedAsync(ClusterNode.StartAsync(NextLabel(), _journal.Path, Options));

    /// <summary>Starts a third node that only has a proxy to the manager, and waits until it is up.</summary>
    internal Task<ClusterNode> AddProxyNodeAsync() =>
        JoinedAsync(ClusterNode.StartProxyOnlyAsync(NextLabel(), _journal.Path));

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        _journal.Dispose();
    }

    private string NextLabel() => $"C{Interlocked.Increment(ref _added)}";

    private async Task<ClusterNode> JoinedAsync(Task<ClusterNode> starting)
    {
        var node = await starting;
        try
        {
            await node.JoinAsync(A);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }
}

using LockActors.Cluster.Hosting;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// A cluster of three nodes of its own, for a spec that takes the manager's node away: the first
/// node is the oldest, so it runs the manager; all three share one journal file.
/// </summary>
internal sealed class ThreeNodes : IAsyncDisposable
{
    private readonly JournalFile _journal;
    private readonly ClusterNode[] _nodes;

    private ThreeNodes(JournalFile journal, ClusterNode[] nodes)
    {
        _journal = journal;
        _nodes = nodes;
    }

    /// <summary>The oldest node: it runs the manager.</summary>
    public ClusterNode First => _nodes[0];

    /// <summary>The second oldest: it takes the manager over.</summary>
    public ClusterNode Second => _nodes[1];

    /// <summary>The youngest node.</summary>
    public ClusterNode Third => _nodes[2];

    /// <summary>Starts three nodes that run the manager with <paramref name="options"/>, the first founding the cluster, and waits until all are up.</summary>
    public static async Task<ThreeNodes> StartAsync(string prefix, ClusterLockManagerOptions options)
    {
        var journal = new JournalFile();
        List<ClusterNode> nodes = [];
        try
        {
            foreach (var label in new[] { "1", "2", "3" })
            {
                var node = await ClusterNode.StartAsync(prefix + label, journal.Path, options);
                nodes.Add(node);
                await node.JoinAsync(nodes[0]);
            }

            return new ThreeNodes(journal, [.. nodes]);
        }
        catch
        {
            await DisposeAllAsync(nodes);
            journal.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisposeAllAsync(_nodes);
        _journal.Dispose();
    }

    private static async Task DisposeAllAsync(IEnumerable<ClusterNode> nodes)
    {
        // Youngest first, so the manager is handed over as rarely as possible.
        foreach (var node in nodes.Reverse())
        {
            await node.DisposeAsync();
        }
    }
}

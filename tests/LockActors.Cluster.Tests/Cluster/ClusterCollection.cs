using Xunit;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>
/// The one collection of the multi-node specs: they run one after another (each cluster is
/// several actor systems on a 2-core machine) and share <see cref="SharedCluster"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<SharedCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "cluster";
}

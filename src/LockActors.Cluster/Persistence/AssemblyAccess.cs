using System.Runtime.CompilerServices;

// The tests drive the persistent manager and its options, which are internal to the package.
[assembly: InternalsVisibleTo("LockActors.Cluster.Tests")]

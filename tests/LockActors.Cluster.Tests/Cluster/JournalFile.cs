using Microsoft.Data.Sqlite;

namespace LockActors.Cluster.Tests.Cluster;

/// <summary>A SQLite journal file of its own in the temp folder, deleted on dispose: every node of one cluster writes to it.</summary>
internal sealed class JournalFile : IDisposable
{
    /// <summary>The file's path.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lockactors-cluster-{Guid.NewGuid():N}.db");

    /// <inheritdoc />
    public void Dispose()
    {
        // Pooled connections keep the file open until cleared.
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(Path + suffix);
            }
            catch (IOException)
            {
                // Still open in a system that has not finished stopping: the temp folder keeps it.
            }
        }
    }
}

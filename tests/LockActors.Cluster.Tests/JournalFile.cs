using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;

namespace LockActors.Cluster.Tests;

/// <summary>
/// A SQLite journal file of its own in the temp folder, deleted on dispose: the journal and the
/// snapshot store of every actor system configured with <see cref="Config"/> write to it.
/// </summary>
internal sealed class JournalFile : IDisposable
{
    /// <summary>The file's path.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lockactors-journal-{Guid.NewGuid():N}.db");

    /// <summary>The configuration that puts the journal and the snapshot store in this file.</summary>
    public Config Config => ConfigFor(Path);

    /// <summary>
    /// Akka.Persistence.Sql's journal and snapshot store over the SQLite file at
    /// <paramref name="path"/>, its tables created on first use, over the plugin's defaults.
    /// </summary>
    public static Config ConfigFor(string path) => ConfigurationFactory.ParseString($$"""
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.sql"
            sql {
              connection-string = "Data Source={{path}}"
              provider-name = "SQLite.MS"
              auto-initialize = true
              use-clone-connection = false
            }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.sql"
            sql {
              connection-string = "Data Source={{path}}"
              provider-name = "SQLite.MS"
              auto-initialize = true
              use-clone-connection = false
            }
          }
        }
        """).WithFallback(SqlPersistence.DefaultConfiguration);

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

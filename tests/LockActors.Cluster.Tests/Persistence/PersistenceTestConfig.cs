using Akka.Configuration;
using LockActors.Cluster.Persistence;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>Configurations and options for the persistent manager's tests.</summary>
internal static class PersistenceTestConfig
{
    /// <summary>
    /// Akka.Persistence.TestKit's journal (an in-memory journal whose writes a test can make fail)
    /// and the in-memory snapshot store; both live as long as the actor system.
    /// </summary>
    public static Config InMemory => ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.persistence.journal.plugin = "akka.persistence.journal.test"
        akka.persistence.journal.test {
          class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """);

    /// <summary>
    /// <see cref="InMemory"/> with a test double as the journal plugin, and as the snapshot store
    /// plugin when <paramref name="snapshotStore"/> is given: each runs on the default dispatcher.
    /// </summary>
    public static Config WithPlugins(Type journal, Type? snapshotStore = null)
    {
        var hocon = Plugin("journal", journal);
        if (snapshotStore is not null)
        {
            hocon += Plugin("snapshot-store", snapshotStore);
        }

        return ConfigurationFactory.ParseString(hocon).WithFallback(InMemory);

        static string Plugin(string kind, Type type) => $$"""
            akka.persistence.{{kind}}.plugin = "akka.persistence.{{kind}}.{{type.Name}}"
            akka.persistence.{{kind}}.{{type.Name}} {
              class = "{{type.FullName}}, {{type.Assembly.GetName().Name}}"
              plugin-dispatcher = "akka.actor.default-dispatcher"
            }

            """;
    }

    /// <summary>Options for a persistence id of its own, with a short back-off.</summary>
    public static PersistenceOptions Options(int snapshotEvery = 1000) =>
        new($"locks-{Guid.NewGuid():N}", null, null, snapshotEvery)
        {
            MinBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
        };

    /// <summary>Generous: the tests run on a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
}

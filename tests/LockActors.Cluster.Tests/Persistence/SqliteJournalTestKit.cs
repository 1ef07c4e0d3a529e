using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using LockActors.Cluster.Persistence;
using static LockActors.Cluster.Tests.Persistence.PersistenceTestConfig;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>
/// A test kit whose actor system keeps its journal and snapshot store in a SQLite file of its own
/// (Akka.Persistence.Sql), deleted once the system has stopped; it starts persistent managers on it
/// and asks them for a key's status.
/// </summary>
public abstract class SqliteJournalTestKit : TestKit
{
    private readonly JournalFile _journal;

    /// <summary>A test kit on a new journal file, with <paramref name="config"/> over the journal's configuration.</summary>
    protected SqliteJournalTestKit(Config config)
        : this(new JournalFile(), config)
    {
    }

    private SqliteJournalTestKit(JournalFile journal, Config config)
        : base(ConfigurationFactory.ParseString("akka.loglevel = INFO").WithFallback(config).WithFallback(journal.Config))
    {
        _journal = journal;
    }

    /// <summary>The journal file's path.</summary>
    protected string JournalPath => _journal.Path;

    /// <summary>Returns a new persistent manager with default settings and <paramref name="options"/>.</summary>
    private protected IActorRef Start(PersistenceOptions options) => Sys.ActorOf(PersistentLockManager.Props(LockManagerSettings.Default, options));

    /// <summary>Returns <paramref name="manager"/>'s answer to an <see cref="Inspect"/> of <paramref name="key"/>, waiting up to <see cref="Patience"/>.</summary>
    protected KeyStatus StatusOf(IActorRef manager, object key)
    {
        var probe = CreateTestProbe();
        probe.Send(manager, new Inspect(key));
        return probe.ExpectMsg<KeyStatus>(Patience);
    }

    /// <summary>Stops the actor system, then deletes the journal file.</summary>
    protected override void AfterAll()
    {
        base.AfterAll();
        _journal.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Snapshot;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>
/// What the in-memory stores of <see cref="HeldDeletionJournal"/> and
/// <see cref="RecordingSnapshotStore"/> saw, one per actor system, found by the system's name: each
/// deletion of journal events waits until the test lets it go, and each deletion of snapshots is recorded.
/// </summary>
internal sealed class HeldDeletions
{
    private static readonly ConcurrentDictionary<string, HeldDeletions> BySystem = new();

    /// <summary>The deletions of the actor system named <paramref name="systemName"/>.</summary>
    public static HeldDeletions For(string systemName) => BySystem.GetOrAdd(systemName, _ => new HeldDeletions());

    /// <summary>One entry per deletion of journal events: completing it lets that deletion go on.</summary>
    public Channel<TaskCompletionSource> EventDeletions { get; } = Channel.CreateUnbounded<TaskCompletionSource>();

    /// <summary>The upper bound of each deletion of snapshots, in order.</summary>
    public ConcurrentQueue<long> SnapshotDeletions { get; } = new();
}

/// <summary>An in-memory journal whose deletions of events wait for the test (see <see cref="HeldDeletions"/>).</summary>
internal sealed class HeldDeletionJournal : MemoryJournal
{
    /// <inheritdoc />
    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await HeldDeletions.For(Context.System.Name).EventDeletions.Writer.WriteAsync(release, cancellationToken);
        await release.Task.WaitAsync(cancellationToken);
        await base.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);
    }
}

/// <summary>An in-memory snapshot store that records its deletions (see <see cref="HeldDeletions"/>).</summary>
internal sealed class RecordingSnapshotStore : MemorySnapshotStore
{
    /// <inheritdoc />
    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        HeldDeletions.For(Context.System.Name).SnapshotDeletions.Enqueue(criteria.MaxSequenceNr);
        return base.DeleteAsync(persistenceId, criteria, cancellationToken);
    }
}

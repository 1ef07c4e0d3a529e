using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using LockActors.Cluster.Persistence;
using LockActors.Table.Events;

namespace LockActors.Cluster.Tests.Persistence;

/// <summary>
/// An in-memory journal that records how many table events each write carries and, while its gate is
/// closed, holds writes back: a test sees exactly how a manager groups its events into writes.
/// One per actor system, found by the system's name.
/// </summary>
internal sealed class GatedJournal : MemoryJournal
{
    private static readonly ConcurrentDictionary<string, Gate> Gates = new();

    /// <summary>The gate of the journal of the actor system named <paramref name="systemName"/>.</summary>
    public static Gate For(string systemName) => Gates.GetOrAdd(systemName, _ => new Gate());

    /// <inheritdoc />
    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        var gate = For(Context.System.Name);
        gate.Entries.Enqueue(writes.Sum(w => ((IImmutableList<IPersistentRepresentation>)w.Payload).Count));
        gate.Sizes.Enqueue(writes.Sum(w => ((IImmutableList<IPersistentRepresentation>)w.Payload)
            .Sum(p => p.Payload is LockEventBatch batch ? batch.Events.Count : 1)));
        gate.WriteStarted.TrySetResult();
        await gate.Open.Task.WaitAsync(cancellationToken);
        return await base.WriteMessagesAsync(writes, cancellationToken);
    }

    /// <summary>A journal's gate and what it saw.</summary>
    public sealed class Gate
    {
        /// <summary>The number of journal entries of each write, in order.</summary>
        public ConcurrentQueue<int> Entries { get; } = new();

        /// <summary>The number of table events of each write, in order.</summary>
        public ConcurrentQueue<int> Sizes { get; } = new();

        /// <summary>Completed when the first write reaches the journal.</summary>
        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Writes wait until this completes.</summary>
        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using Akka.Actor;
using LockActors.Table;
using LockActors.Table.Events;

namespace LockActors.Cluster.Persistence;

/// <summary>
/// The persistent manager's held-back work: events not yet handed to the journal and the replies
/// that wait for them; and whether a write is in flight. At most one write is in flight; what is
/// handled meanwhile becomes the next batch. No write starts while a snapshot save or a deletion
/// is in flight: a single-writer journal such as SQLite would make the write wait for the file's
/// lock, and its driver retries a locked write only after a long pause.
/// </summary>
internal sealed class GroupCommit
{
    private List<LockTableEvent> _events = [];
    private List<Outgoing> _replies = [];
    private int _eventsSinceSnapshot;

    /// <summary>True while a write is in flight.</summary>
    public bool Writing { get; private set; }

    /// <summary>The snapshot saves and deletions in flight.</summary>
    public int SideWrites { get; private set; }

    /// <summary>True when a write may start: none is in flight, nor any snapshot save or deletion.</summary>
    public bool CanStartWrite => !Writing && SideWrites == 0;

    /// <summary>True when events wait to be written.</summary>
    public bool HasEvents => _events.Count > 0;

    /// <summary>Holds an event back for the next write.</summary>
    public void Add(LockTableEvent change) => _events.Add(change);

    /// <summary>Holds a reply back until the events before it are durable.</summary>
    public void Add(Outgoing reply) => _replies.Add(reply);

    /// <summary>
    /// Starts a write of every event held back, with the replies held back so far; when
    /// <paramref name="snapshotEvery"/> events were written since the last snapshot, takes one of
    /// <paramref name="table"/>, which has applied exactly these events.
    /// </summary>
    public Batch StartWrite(int snapshotEvery, LockTable table)
    {
        var batch = new Batch(_events, _replies, null);
        _events = [];
        _replies = [];
        Writing = true;
        _eventsSinceSnapshot += batch.Events.Count;
        if (_eventsSinceSnapshot >= snapshotEvery)
        {
            _eventsSinceSnapshot = 0;
            batch = batch with { Snapshot = table.TakeSnapshot() };
        }

        return batch;
    }

    /// <summary>A snapshot save or a deletion was asked for.</summary>
    public void SideWriteStarted() => SideWrites++;

    /// <summary>A snapshot save or a deletion was answered (done or failed).</summary>
    /// <returns>True when it was the last one in flight.</returns>
    public bool SideWriteDone()
    {
        SideWrites = Math.Max(SideWrites - 1, 0);
        return SideWrites == 0;
    }

    /// <summary>The write in flight is durable.</summary>
    public void WriteDone() => Writing = false;

    /// <summary>Takes the replies held back (when no event is in flight or waiting, they can go at once).</summary>
    public List<Outgoing> TakeReplies()
    {
        if (_replies.Count == 0)
        {
            return [];
        }

        var replies = _replies;
        _replies = [];
        return replies;
    }

    /// <summary>A message held back: a reply from the manager, or a message forwarded with its original sender.</summary>
    /// <param name="To">The recipient; null when nobody expects a reply.</param>
    /// <param name="Message">The message.</param>
    /// <param name="IsForward">True for a forward.</param>
    /// <param name="OriginalSender">For a forward, the sender to keep (null for none).</param>
    public readonly record struct Outgoing(IActorRef? To, object Message, bool IsForward, IActorRef? OriginalSender);

    /// <summary>One write: its events, the replies released when they are durable, and a snapshot to save then, if due.</summary>
    public sealed record Batch(List<LockTableEvent> Events, List<Outgoing> Replies, LockTableSnapshot? Snapshot);
}

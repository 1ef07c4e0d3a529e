using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence;
using LockActors.Diagnostics;
using LockActors.Table;
using LockActors.Table.Events;

namespace LockActors.Cluster.Persistence;

/// <summary>
/// A lock manager whose table is event-sourced through Akka.Persistence: it speaks exactly the
/// <see cref="LockManager"/> protocol, and its locks survive a restart or a move to another node.
/// </summary>
/// <remarks>
/// <para>Group commit: each request is handled on the live table at once; the events it records
/// and the replies it makes are held back. One journal write is in flight at a time; everything
/// handled meanwhile is written as the next batch, one <see cref="LockEventBatch"/> journal entry. A reply (and so a fencing token)
/// is sent only once the events of its request and of every request before it are durable, in
/// order. Watches are made at once.</para>
/// <para>A failed or rejected write stops the manager before it answers anything of that batch or
/// later ones; run it under <see cref="SupervisedProps"/>, which starts it again after a back-off,
/// and it recovers from the journal. Two managers writing one journal (a split brain) cannot both
/// answer: the journal refuses the second write of a sequence number, and that manager stops.</para>
/// <para>Recovery restores the last snapshot and replays the events after it: holders keep their
/// grants and tokens (no <see cref="LockLost"/>), waiters their place and remaining time; tokens go
/// on increasing. Every owner is watched again; in a cluster, owners on addresses that are no
/// longer members are released at once. A snapshot is saved every
/// <see cref="PersistenceOptions.SnapshotEvery"/> events and on <see cref="HandOver"/>, and older
/// events and snapshots are then deleted.</para>
/// <para>Stopping does not drop the state: nobody is told <see cref="LockLost"/>; the next
/// incarnation carries on.</para>
/// </remarks>
internal sealed partial class PersistentLockManager : UntypedPersistentActor, IWithTimers, ILockEffects, ILockEventSink
{
    private const string IdleSweepTimerKey = "unwatch-idle-owners";
    private const string ChildName = "lock-manager";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PersistenceOptions _options;
    private readonly TimeSpan _idleSweepPeriod;
    private readonly LockTable _table;
    private readonly LockRequestHandler _handler;
    private readonly LockMetrics _metrics;
    private readonly GroupCommit _commit = new();
    private readonly StorableKeys _storable;

    // Set once a write failed or was rejected: nothing more is answered, the manager is stopping.
    private bool _failed;

    // Set by HandOver: requests are stashed (and lost with the manager) until the final snapshot is saved.
    private bool _handingOver;
    private long _finalSnapshotSequenceNr = -1;

    // The sequence number of the last snapshot asked for; -1 before the first.
    private long _snapshotSequenceNr = -1;

    // Snapshots up to this sequence number are deleted once the deletion of events in flight is answered; 0 for none.
    private long _snapshotsToDeleteUpTo;

    /// <summary>Creates the manager. Use <see cref="Props"/> rather than calling this directly.</summary>
    /// <param name="settings">The lock manager's settings.</param>
    /// <param name="options">Where the table is kept.</param>
    public PersistentLockManager(LockManagerSettings settings, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        PersistenceId = options.PersistenceId;
        if (options.JournalPluginId is { } journal)
        {
            JournalPluginId = journal;
        }

        if (options.SnapshotPluginId is { } snapshots)
        {
            SnapshotPluginId = snapshots;
        }

        _idleSweepPeriod = settings.IdleOwnerWatchTime;
        _storable = new StorableKeys(Context.System);

        // The same instruments as LockManager's. Tokens are seeded like its: recovered tokens replace
        // the seed only when they are larger.
        _metrics = new LockMetrics(Self.Path.ToStringWithoutAddress(), settings.MetricsPerKeyTags);
        _table = new LockTable(settings, this, lastToken: DateTime.UtcNow.Ticks, new LockMonitor(_metrics, _log));
        _metrics.Track(_table);
        _handler = new LockRequestHandler(_table, this, _log, Self, _metrics, () => Timers.Cancel(IdleSweepTimerKey));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The <see cref="Akka.Actor.Props"/> of a persistent lock manager.</summary>
    /// <param name="settings">The lock manager's settings.</param>
    /// <param name="options">Where the table is kept.</param>
    /// <returns>Props to pass to <c>ActorOf</c>.</returns>
    /// <exception cref="ArgumentException">An option is out of range (see <see cref="PersistenceOptions.Validate"/>).</exception>
    public static Props Props(LockManagerSettings settings, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Akka.Actor.Props.Create(() => new PersistentLockManager(settings, options));
    }

    /// <summary>
    /// The <see cref="Akka.Actor.Props"/> of a back-off supervisor running the persistent manager as
    /// its child <c>lock-manager</c>: requests sent to the supervisor reach the manager; when the
    /// manager stops (a failed write), it is started again after a back-off growing from
    /// <see cref="PersistenceOptions.MinBackoff"/> to <see cref="PersistenceOptions.MaxBackoff"/>
    /// and recovers from the journal. <see cref="HandOver"/> stops both for good, after a final snapshot.
    /// </summary>
    /// <param name="settings">The lock manager's settings.</param>
    /// <param name="options">Where the table is kept.</param>
    /// <returns>Props to pass to <c>ActorOf</c> (or to run as a cluster singleton, with <see cref="HandOver"/> as its termination message).</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static Props SupervisedProps(LockManagerSettings settings, PersistenceOptions options)
    {
        var child = Props(settings, options);
        var backoff = Backoff.OnStop(child, ChildName, options.MinBackoff, options.MaxBackoff, randomFactor: 0.2, maxNrOfRetries: -1)
            .WithFinalStopMessage(message => message is HandOver);
        return BackoffSupervisor.Props(backoff);
    }

    /// <inheritdoc />
    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case SaveSnapshotSuccess saved:
                SnapshotSaved(saved.Metadata);
                SideWriteDone();
                return;
            case SaveSnapshotFailure failed:
                _log.Warning("Lock manager {PersistenceId} could not save its snapshot at {SequenceNr}: {Failure}",
                    PersistenceId, failed.Metadata.SequenceNr, failed.Cause.Message);
                StopIfHandedOver(failed.Metadata.SequenceNr);
                SideWriteDone();
                return;
            case DeleteMessagesSuccess or DeleteMessagesFailure:
                WarnIfDeletionFailed(message);
                DeleteOldSnapshots();
                SideWriteDone();
                return;
            case DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
                WarnIfDeletionFailed(message);
                SideWriteDone();
                return;
            case HandOver:
                _handingOver = true;
                TryFinishHandOver();
                return;
        }

        if (_handingOver || _failed)
        {
            Stash.Stash();
            return;
        }

        var sender = Sender;
        if (UnstorableKey(message) is { } refusal)
        {
            ((ILockEffects)this).Send(sender, refusal);
        }
        else
        {
            _handler.HandleSafely(message, sender);
        }

        WriteOrReply();
    }

    /// <summary>
    /// The refusal of a lock request naming a key the journal cannot store as the same key (see
    /// <see cref="StorableKeys"/>); null for any other message. Such a key would stop the manager at
    /// its write, or fail its recovery.
    /// </summary>
    private LockRefused? UnstorableKey(object message)
    {
        IReadOnlyList<object>? keys = message switch
        {
            TryLock { Key: { } key } => [key],
            Await { Key: { } key } => [key],
            AwaitAll { Keys: { } all } => all,
            _ => null,
        };

        for (var i = 0; keys is not null && i < keys.Count; i++)
        {
            if (keys[i] is { } key && _storable.Problem(key) is { } problem)
            {
                return new LockRefused(key, RefusalReason.InvalidRequest, $"{message.GetType().Name} refused: {problem}");
            }
        }

        return null;
    }

    /// <summary>
    /// After a message: starts a write of the events held back if none is in flight (nor a snapshot
    /// save or deletion); with no event to write and none in flight, sends the replies held back at once.
    /// </summary>
    private void WriteOrReply()
    {
        if (_commit.HasEvents && _commit.CanStartWrite)
        {
            StartWrite();
        }
        else if (!_commit.HasEvents && !_commit.Writing)
        {
            Deliver(_commit.TakeReplies());
        }
    }

    /// <summary>A snapshot save or deletion was answered: once none is left in flight, the held-back events are written.</summary>
    private void SideWriteDone()
    {
        if (_commit.SideWriteDone() && !_failed)
        {
            WriteOrReply();
            TryFinishHandOver();
        }
    }

    private void StartWrite()
    {
        var batch = _commit.StartWrite(_options.SnapshotEvery, _table);
        PersistAsync(new LockEventBatch(batch.Events), _ => BatchDurable(batch));
    }

    /// <summary>A batch is in the journal: send its replies, save its snapshot if due, and write the next batch.</summary>
    private void BatchDurable(GroupCommit.Batch batch)
    {
        if (_failed)
        {
            return;
        }

        _commit.WriteDone();
        Deliver(batch.Replies);
        if (batch.Snapshot is { } snapshot)
        {
            SaveSnapshotAt(snapshot, LastSequenceNr);
        }

        WriteOrReply();
        TryFinishHandOver();
    }

    private void Deliver(List<GroupCommit.Outgoing> replies)
    {
        foreach (var reply in replies)
        {
            if (reply.IsForward)
            {
                _handler.Tell(reply.To!, reply.Message, reply.OriginalSender ?? ActorRefs.NoSender!);
            }
            else
            {
                _handler.SendReply(reply.To, reply.Message);
            }
        }
    }

    /// <summary>Saves the table as it is at <paramref name="sequenceNr"/> (the snapshot was taken when its last event was handed to the journal).</summary>
    private void SaveSnapshotAt(LockTableSnapshot snapshot, long sequenceNr)
    {
        _snapshotSequenceNr = sequenceNr;
        _commit.SideWriteStarted();
        SnapshotStore.Tell(new SaveSnapshot(new SnapshotMetadata(SnapshotterId, sequenceNr, DateTime.UtcNow), snapshot), Self);
    }

    private void SnapshotSaved(SnapshotMetadata metadata)
    {
        // Everything up to the snapshot is in it: older events and snapshots are no longer needed.
        // The snapshots go once the events are gone, not beside them: two deletions at once on a
        // single-writer store (SQLite) make one wait for the other's lock, and its driver retries
        // only after a long pause, while the journal writes wait for both.
        _commit.SideWriteStarted();
        DeleteMessages(metadata.SequenceNr);
        _snapshotsToDeleteUpTo = metadata.SequenceNr - 1;
        StopIfHandedOver(metadata.SequenceNr);
    }

    /// <summary>Once the deletion of old events is answered: deletes the snapshots older than the last one saved.</summary>
    private void DeleteOldSnapshots()
    {
        // A bound of 0 would delete every snapshot in some stores (the in-memory one reads it as no bound).
        if (_snapshotsToDeleteUpTo > 0)
        {
            _commit.SideWriteStarted();
            DeleteSnapshots(new SnapshotSelectionCriteria(_snapshotsToDeleteUpTo));
            _snapshotsToDeleteUpTo = 0;
        }
    }

    private void WarnIfDeletionFailed(object answer)
    {
        if (answer is DeleteMessagesFailure or DeleteSnapshotsFailure)
        {
            _log.Warning("Lock manager {PersistenceId} could not delete old events or snapshots: {Failure}", PersistenceId, answer);
        }
    }

    /// <summary>Once handing over and nothing is left to write: saves a final snapshot, and stops when it is saved.</summary>
    private void TryFinishHandOver()
    {
        if (!_handingOver || _failed || _commit.Writing || _commit.HasEvents || _finalSnapshotSequenceNr >= 0)
        {
            return;
        }

        Deliver(_commit.TakeReplies());
        _finalSnapshotSequenceNr = LastSequenceNr;
        SaveSnapshotAt(_table.TakeSnapshot(), _finalSnapshotSequenceNr);
    }

    private void StopIfHandedOver(long sequenceNr)
    {
        if (_handingOver && sequenceNr == _finalSnapshotSequenceNr)
        {
            _log.Info("Lock manager {PersistenceId} handed over at event {SequenceNr} with {KeyCount} keys in use", PersistenceId, sequenceNr, _table.KeyCount);
            Context.Stop(Self);
        }
    }

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _failed = true;
        _log.Error(cause, "Lock manager {PersistenceId} could not write event {SequenceNr}: stopping before it answers", PersistenceId, sequenceNr);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _failed = true;
        _log.Error(cause, "Lock manager {PersistenceId}: the journal rejected event {SequenceNr} ({EventType}): stopping before it answers",
            PersistenceId, sequenceNr, @event.GetType().Name);
        Context.Stop(Self);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // A manager stopped with every change durable leaves a snapshot of it for the next one
        // (unanswered: nobody is left to hear it). With changes not durable the table is ahead of
        // the journal, and a failed manager's table may be another's future: no snapshot then.
        if (IsRecoveryFinished && !_failed && !_commit.Writing && !_commit.HasEvents && LastSequenceNr > Math.Max(_snapshotSequenceNr, 0))
        {
            SaveSnapshotAt(_table.TakeSnapshot(), LastSequenceNr);
        }

        if (_table.KeyCount > 0)
        {
            _log.Info("Lock manager {PersistenceId} stopped with {KeyCount} keys in use; they are kept in the journal", PersistenceId, _table.KeyCount);
        }

        _metrics.Dispose();
        base.PostStop();
    }

    void ILockEventSink.Record(LockTableEvent change) => _commit.Add(change);

    void ILockEffects.Send(IActorRef? to, object message) => _commit.Add(new GroupCommit.Outgoing(to, message, IsForward: false, null));

    void ILockEffects.Forward(IActorRef to, object message, IActorRef? originalSender) =>
        _commit.Add(new GroupCommit.Outgoing(to, message, IsForward: true, originalSender));

    // A watch that throws is let through: the table watches before it changes anything, and the
    // request is refused (see LockRequestHandler.HandleSafely).
    void ILockEffects.Watch(IActorRef actor) => Context.Watch(actor);

    void ILockEffects.Unwatch(IActorRef actor) => _handler.Unwatch(Context, actor);

    void ILockEffects.WakeAt(long deadline) => LockRequestHandler.WakeAt(Timers, deadline, DeadlineClock.NowRoundedDown());

    void ILockEffects.ReportError(string message) => _log.Error("{LockError}", message);

    void ILockEffects.StartIdleSweep() =>
        Timers.StartPeriodicTimer(IdleSweepTimerKey, LockRequestHandler.IdleSweepTick.Instance, _idleSweepPeriod);
}

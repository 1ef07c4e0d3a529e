using Akka.Actor;
using LockActors.Table.Events;

namespace LockActors.Table;

// Recording: each state change becomes an event for a sink, built only when a sink is set, so a
// table that records nothing pays one null check per change.
internal sealed partial class LockTable
{
    // Where state changes are recorded; null to record nothing.
    private ILockEventSink? _events;

    /// <summary>
    /// Converts deadlines between the table's clock and the wall clock in recorded events and
    /// snapshots; read when the table is made. Two tables given the same anchor record and replay
    /// deadlines exactly.
    /// </summary>
    public DeadlineAnchor Anchor { get; set; } = DeadlineAnchor.Now();

    /// <summary>Records every state change from now on to <paramref name="sink"/> (null to stop recording).</summary>
    /// <param name="sink">The sink.</param>
    public void RecordEventsTo(ILockEventSink? sink) => _events = sink;

    /// <summary>The event of a grant just made.</summary>
    private static LockGranted GrantedEvent(LockGrant grant, int capacity, string? label) =>
        new(grant.Owner, grant.Keys, grant.IsMulti, grant.FencingToken, grant.Mode, grant.Permits, capacity, grant.Metadata, label);

    /// <summary>The event of a wait about to be withdrawn (it is still in its queues).</summary>
    private static WaitEnded EndedEvent(Wait wait, WaitEndReason reason) =>
        new(wait.Owner.Actor, wait.Entry.Key, PositionInQueue(wait), reason);

    /// <summary>The event of a wait just queued.</summary>
    private WaitQueued QueuedEvent(Wait wait, long deadline) =>
        new(wait.Owner.Actor, wait.ReplyTo, wait.Keys, wait.IsMulti, wait.Mode, wait.Permits, wait.Entry.Capacity, wait.Priority,
            Anchor.ToUtcTicks(deadline), wait.Label, Anchor.ToUtcTicks(wait.Since));

    /// <summary>The event of a party's holdings just released.</summary>
    private static LockReleased ReleasedEvent(Party party, Holding[] holdings) =>
        new(party.Actor, Array.ConvertAll(holdings, h => h.Entry.Key));

    /// <summary>The event of a grant just given away.</summary>
    private static GrantGivenAway GivenAwayEvent(IActorRef from, LockGrant newGrant) =>
        new(from, newGrant.Owner, newGrant.Keys, newGrant.IsMulti, newGrant.FencingToken, newGrant.Mode, newGrant.Permits);

    /// <summary>The place of a wait in the queue of its first key, 0 for the head (walks the queue).</summary>
    private static int PositionInQueue(Wait wait)
    {
        var position = 0;
        for (var node = wait.Entry.Head; node is not null && !ReferenceEquals(node, wait); node = wait.Entry.Queue.Next(node))
        {
            position++;
        }

        return position;
    }
}

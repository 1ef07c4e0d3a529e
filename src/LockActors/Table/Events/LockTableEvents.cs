using Akka.Actor;

namespace LockActors.Table.Events;

// The state changes of a lock table, as it records them for an event-sourced manager. Each is an
// immutable record of plain values (actor references, keys, numbers), so a journal can store it and
// LockTable.Apply can rebuild the same state from it, without effects. The keys are the table's own
// key objects; a journal that serializes them must round-trip them to equal keys.

/// <summary>A state change of a <see cref="LockTable"/>; see <see cref="LockTable.Apply(LockTableEvent)"/>.</summary>
internal abstract record LockTableEvent;

/// <summary>
/// Keys were granted to an owner: on request, or to a wait that reached the head of its queues
/// (that wait's end is recorded just before, as <see cref="WaitEnded"/>).
/// </summary>
/// <param name="Owner">The new holder.</param>
/// <param name="Keys">The keys granted, in the order of the request.</param>
/// <param name="IsMulti">True for a grant of <see cref="LockActors.AwaitAll"/>.</param>
/// <param name="FencingToken">The grant's fencing token: the table's last token from now on.</param>
/// <param name="Mode">Exclusive or shared.</param>
/// <param name="Permits">Permits taken on each key.</param>
/// <param name="Capacity">The capacity of the keys (of a key not in use until now).</param>
/// <param name="Metadata">The manager's metadata put in the grant.</param>
/// <param name="Label">The request's label (<see cref="LockOptions.Label"/>); null for none.</param>
internal sealed record LockGranted(
    IActorRef Owner, IReadOnlyList<object> Keys, bool IsMulti, long FencingToken, LockMode Mode, int Permits, int Capacity, object? Metadata,
    string? Label = null)
    : LockTableEvent;

/// <summary>An owner released keys it held (<see cref="LockActors.Release"/> or <see cref="LockActors.ReleaseKeys"/>).</summary>
/// <param name="Owner">The holder that released them.</param>
/// <param name="Keys">The keys released.</param>
internal sealed record LockReleased(IActorRef Owner, IReadOnlyList<object> Keys) : LockTableEvent;

/// <summary>An owner gave the keys of one grant away (<see cref="LockActors.GiveAway"/>): the heir holds them under a new grant.</summary>
/// <param name="From">The giver.</param>
/// <param name="To">The heir.</param>
/// <param name="Keys">The keys of the grant given away, in its order.</param>
/// <param name="IsMulti">True when the grant is a multi-key one.</param>
/// <param name="FencingToken">The heir's new fencing token.</param>
/// <param name="Mode">The mode the keys are held in.</param>
/// <param name="Permits">Permits held on each key.</param>
/// <remarks>The heir's holdings carry no label: a label names who asked for the lock.</remarks>
internal sealed record GrantGivenAway(
    IActorRef From, IActorRef To, IReadOnlyList<object> Keys, bool IsMulti, long FencingToken, LockMode Mode, int Permits)
    : LockTableEvent;

/// <summary>
/// An owner left the table: every key it held is released and every wait it had withdrawn
/// (<see cref="LockActors.Goodbye"/>, or the owner terminated).
/// </summary>
/// <param name="Owner">The owner.</param>
/// <param name="Terminated">True when the owner terminated (it is forgotten, not kept watched while idle).</param>
internal sealed record OwnerGone(IActorRef Owner, bool Terminated) : LockTableEvent;

/// <summary>A wait was queued for keys it could not take at once.</summary>
/// <param name="Owner">The waiting owner.</param>
/// <param name="ReplyTo">Where its grant or time-out goes; null when nobody expects a reply.</param>
/// <param name="Keys">The keys waited for, in the order of the request.</param>
/// <param name="IsMulti">True for a wait of <see cref="LockActors.AwaitAll"/>.</param>
/// <param name="Mode">Exclusive or shared.</param>
/// <param name="Permits">Permits asked for on each key.</param>
/// <param name="Capacity">The capacity of the keys.</param>
/// <param name="Priority">Its place in line among waits (higher first).</param>
/// <param name="DeadlineUtcTicks">
/// When the wait times out, in UTC ticks of the wall clock (<see cref="DateTime.Ticks"/>), so a manager
/// recovering elsewhere gives it its remaining time; <see cref="LockTableEvents.NoDeadline"/> when it never does.
/// </param>
/// <param name="Label">The request's label (<see cref="LockOptions.Label"/>); null for none.</param>
/// <param name="QueuedUtcTicks">When the wait was queued, in UTC ticks (for how long it has waited); 0 when unknown.</param>
internal sealed record WaitQueued(
    IActorRef Owner, IActorRef? ReplyTo, IReadOnlyList<object> Keys, bool IsMulti, LockMode Mode, int Permits, int Capacity, int Priority,
    long DeadlineUtcTicks, string? Label = null, long QueuedUtcTicks = 0)
    : LockTableEvent;

/// <summary>
/// A queued wait left every queue: granted (then a <see cref="LockGranted"/> follows), timed out,
/// refused, or cancelled. It is named by its first key and its place in that key's queue.
/// </summary>
/// <param name="Owner">The waiting owner (checked when the event is applied).</param>
/// <param name="FirstKey">The first key of the wait.</param>
/// <param name="Position">The wait's place in the queue of its first key, 0 for the head.</param>
/// <param name="Reason">Why it ended.</param>
internal sealed record WaitEnded(IActorRef Owner, object FirstKey, int Position, WaitEndReason Reason) : LockTableEvent;

/// <summary>Why a queued wait ended.</summary>
internal enum WaitEndReason
{
    /// <summary>It was granted.</summary>
    Granted,

    /// <summary>Its deadline passed.</summary>
    TimedOut,

    /// <summary>It was refused (its owner came to hold one of its keys).</summary>
    Refused,

    /// <summary>Its owner or requester cancelled it.</summary>
    Cancelled,
}

/// <summary>Constants of the table's events.</summary>
internal static class LockTableEvents
{
    /// <summary>The <see cref="WaitQueued.DeadlineUtcTicks"/> of a wait that never times out.</summary>
    public const long NoDeadline = long.MaxValue;
}

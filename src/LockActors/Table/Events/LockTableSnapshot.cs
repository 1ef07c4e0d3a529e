using Akka.Actor;

namespace LockActors.Table.Events;

/// <summary>
/// The whole state of a <see cref="LockTable"/> as plain values: restored with
/// <see cref="LockTable.Restore(LockTableSnapshot)"/> into an empty table, it gives the same keys,
/// holders and tokens, queues in the same order, the same remaining times and the same last token.
/// </summary>
/// <param name="LastToken">The last fencing token handed out.</param>
/// <param name="Holdings">Every key held, one entry per holder, each owner's oldest holding first.</param>
/// <param name="Waits">Every pending wait, in an order that queues them as they were (see <see cref="LockTable.TakeSnapshot"/>).</param>
internal sealed record LockTableSnapshot(long LastToken, IReadOnlyList<HeldKey> Holdings, IReadOnlyList<WaitQueued> Waits);

/// <summary>One holder's hold on one key, in a <see cref="LockTableSnapshot"/>.</summary>
/// <param name="Owner">The holder.</param>
/// <param name="Key">The key.</param>
/// <param name="Capacity">The key's capacity.</param>
/// <param name="FencingToken">The token of the grant the key is held under.</param>
/// <param name="Mode">The mode it is held in.</param>
/// <param name="Permits">The permits held.</param>
/// <param name="GrantKeys">The keys of the multi-key grant it is held under; null for a single-key grant.</param>
/// <param name="Label">The label of the request it was granted to; null for none.</param>
internal sealed record HeldKey(
    IActorRef Owner, object Key, int Capacity, long FencingToken, LockMode Mode, int Permits, IReadOnlyList<object>? GrantKeys, string? Label = null);

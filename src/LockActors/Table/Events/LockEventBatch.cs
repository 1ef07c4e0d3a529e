namespace LockActors.Table.Events;

/// <summary>
/// The events of one group-commit write, stored as one journal entry: a journal writes one row per
/// entry, so a batch costs one insert however many requests it carries. Kept beside the events so
/// the wire format writes it (and the events in it) like them.
/// </summary>
/// <param name="Events">The table's events, in the order they were recorded.</param>
internal sealed record LockEventBatch(IReadOnlyList<LockTableEvent> Events);

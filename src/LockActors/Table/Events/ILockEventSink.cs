namespace LockActors.Table.Events;

/// <summary>
/// Receives the state changes of a <see cref="LockTable"/> as it makes them, in order (see
/// <see cref="LockTable.RecordEventsTo"/>). A table without a sink builds no event at all.
/// </summary>
internal interface ILockEventSink
{
    /// <summary>Takes one state change; called synchronously inside the table's operation that made it.</summary>
    /// <param name="change">The event, which <see cref="LockTable.Apply(LockTableEvent)"/> replays.</param>
    void Record(LockTableEvent change);
}

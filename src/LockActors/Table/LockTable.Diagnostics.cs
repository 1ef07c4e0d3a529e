using LockActors.Diagnostics;

namespace LockActors.Table;

// What the table reports to the manager's metrics and log: the counts its gauges read, and the
// monitor its operations report grants, busy answers, timeouts and ended holds to.
internal sealed partial class LockTable : ILockGaugeSource
{
    // Waits queued: counted as they are queued and withdrawn, so a gauge reads it without walking.
    private int _waitCount;

    /// <summary>Where grants, busy answers, timeouts and ended holds are reported.</summary>
    private LockMonitor Monitor { get; }

    /// <inheritdoc />
    public int KeysInUse => _keys.Count;

    /// <inheritdoc />
    public int WaitsQueued => _waitCount;

    /// <inheritdoc />
    public int OwnersWatched => _parties.Count;
}
